package io.harmonylite.autoconfigure.liquibase;

import io.harmonylite.autoconfigure.SchemaMigrations;
import io.harmonylite.engine.HarmonyLiteEngine;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Takes the engine through its schema-change path around every Liquibase update a {@link SpringLiquibase} bean runs
 * (Spring Boot's, or the application's own). A {@code SpringLiquibase} updates the database when it is initialized,
 * so before its initialization pending changes are sent and the capture triggers removed (SQLite refuses e.g.
 * {@code DROP COLUMN} of a column a trigger names), and after it capture is regenerated, the schema hash recomputed
 * and published, and paused shards redelivered at once.
 * <p>
 * When Liquibase runs at startup the engine is not started yet: what would keep it from starting is checked before
 * the update (see {@link SchemaMigrations}), the triggers are removed, and the engine regenerates capture and the hash
 * when it starts. A failed update fails the application's startup.
 *
 * @since 0.1.0
 */
public class LiquibaseMigrationPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<HarmonyLiteEngine> engine;

	/**
	 * Creates a post-processor for the given engine, which is looked up only when a {@code SpringLiquibase} is about
	 * to update the database.
	 * @param engine the engine replicating the migrated database
	 */
	public LiquibaseMigrationPostProcessor(ObjectProvider<HarmonyLiteEngine> engine) {
		this.engine = engine;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase) {
			SchemaMigrations.before(this.engine.getObject(), "Liquibase (" + beanName + ")");
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase) {
			SchemaMigrations.after(this.engine.getObject(), "Liquibase (" + beanName + ")", true);
		}
		return bean;
	}

}
