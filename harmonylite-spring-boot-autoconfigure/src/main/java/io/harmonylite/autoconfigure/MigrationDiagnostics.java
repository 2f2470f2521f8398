package io.harmonylite.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.util.ClassUtils;

/**
 * Warns, once the application has started, about what leaves a node replicating nothing without failing: a migration
 * tool on the classpath that ran no migration (with Spring Boot 4, {@code flyway-core} without
 * {@code spring-boot-starter-flyway} is the usual cause), and a node whose capture covers no table at all.
 */
class MigrationDiagnostics implements ApplicationListener<ContextRefreshedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(MigrationDiagnostics.class);

	private final HarmonyLiteEngine engine;

	private final ApplicationContext context;

	MigrationDiagnostics(HarmonyLiteEngine engine, ApplicationContext context) {
		this.engine = engine;
		this.context = context;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		// Child contexts, such as a management context on its own port, publish to their parent too.
		if (event.getApplicationContext() != this.context) {
			return;
		}
		warnings().forEach(logger::warn);
	}

	/**
	 * What to warn about, one message each.
	 * @return the warnings, empty when all is well
	 */
	List<String> warnings() {
		List<String> warnings = new ArrayList<>();
		for (MigrationTool tool : MigrationTool.values()) {
			if (ranNoMigration(tool)) {
				warnings.add(noMigration(tool));
			}
		}
		if (this.engine.isRunning() && this.engine.status().watchedTables().isEmpty()) {
			warnings.add(noTable());
		}
		return warnings;
	}

	private boolean ranNoMigration(MigrationTool tool) {
		ClassLoader classLoader = this.context.getClassLoader();
		return tool.isActive(this.context.getEnvironment(), classLoader)
				&& this.context.getBeanNamesForType(DataSource.class).length > 0 && this.context
					.getBeanNamesForType(ClassUtils.resolveClassName(tool.beanClass(), classLoader))
					.length == 0;
	}

	private String noMigration(MigrationTool tool) {
		String name = tool.displayName();
		String reason = tool.isAutoConfigurable(this.context.getClassLoader())
				? "no " + name + " bean was created (is its auto-configuration excluded? run with --debug to see why)"
				: "Spring Boot 4 runs " + name + " only with its starter, " + tool.starter()
						+ "; the library alone is not auto-configured";
		return "Node " + this.engine.config().nodeId() + ": " + name + " is on the classpath but ran no migration: "
				+ reason + ". Add " + tool.starter() + " (instead of the bare library) so that migrations run "
				+ "before replication starts, or set " + tool.propertyPrefix() + ".enabled=false if the application "
				+ "does not use " + name + ".";
	}

	private String noTable() {
		HarmonyLiteConfig config = this.engine.config();
		return "Node " + config.nodeId() + ": no table is captured: " + config.dbPath() + " has no user table that "
				+ "harmonylite.tables " + config.tables() + " and harmonylite.ignore-tables " + config.ignoreTables()
				+ " let through, so nothing is replicated until one is created (the node picks new tables up by "
				+ "itself). If the application's migrations should have created them, check that they ran.";
	}

}
