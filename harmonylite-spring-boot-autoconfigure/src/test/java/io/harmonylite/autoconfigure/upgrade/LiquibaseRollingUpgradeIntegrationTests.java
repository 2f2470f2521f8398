package io.harmonylite.autoconfigure.upgrade;

import java.util.List;

import io.harmonylite.engine.TestDatabase;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@link RollingUpgradeScenario rolling upgrade} with Liquibase: release 2's change log adds change sets 2 (add a
 * column, which Liquibase does on SQLite by rebuilding the table) and 3 (drop a captured column); node 3 migrates
 * live with a {@link SpringLiquibase} initialized in the running application, so wrapped by the HarmonyLite
 * post-processor.
 */
class LiquibaseRollingUpgradeIntegrationTests extends RollingUpgradeScenario {

	@Override
	List<String> migrateAtStartup(int release) {
		return List.of("--spring.flyway.enabled=false", "--spring.liquibase.analytics-enabled=false",
				"--spring.liquibase.change-log=" + changeLog(release));
	}

	@Override
	void migrateLiveToRelease2(ConfigurableApplicationContext app) {
		SpringLiquibase release2 = new SpringLiquibase();
		release2.setDataSource(app.getBean(SpringLiquibase.class).getDataSource());
		release2.setChangeLog(changeLog(2));
		release2.setAnalyticsEnabled(false);
		app.getAutowireCapableBeanFactory().initializeBean(release2, "release2Liquibase");
	}

	@Override
	String migrationVersion(int release) {
		return (release == 1) ? "liquibase:1" : "liquibase:3";
	}

	@Override
	List<String> migrationsRun(TestDatabase db) {
		// The lock table holds one row per node, never one per replicated write.
		return db.rows("SELECT id || ':' || (SELECT count(*) FROM DATABASECHANGELOGLOCK) FROM DATABASECHANGELOG "
				+ "ORDER BY orderexecuted");
	}

	private static String changeLog(int release) {
		return "classpath:liquibase-rolling/release-" + release + ".xml";
	}

}
