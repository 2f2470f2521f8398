package io.harmonylite.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches when there is a database to replicate: a {@link DataSource} bean or {@code harmonylite.db-path}.
 */
class OnDatabaseCondition extends AnyNestedCondition {

	OnDatabaseCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnBean(DataSource.class)
	static class DataSourceBean {

	}

	@ConditionalOnProperty("harmonylite.db-path")
	static class DbPathProperty {

	}

}
