package io.harmonylite.autoconfigure.upgrade;

import java.util.List;

import io.harmonylite.engine.TestDatabase;
import org.flywaydb.core.Flyway;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@link RollingUpgradeScenario rolling upgrade} with Flyway: release 2 adds migrations V2 (add a column) and V3
 * (drop a captured column); node 3 migrates live with a Flyway configured like the application's, so with the
 * HarmonyLite callback.
 */
class FlywayRollingUpgradeIntegrationTests extends RollingUpgradeScenario {

	private static final List<String> RELEASE_1 = List.of("classpath:flyway-rolling/v1");

	private static final List<String> RELEASE_2 = List.of("classpath:flyway-rolling/v1", "classpath:flyway-rolling/v2",
			"classpath:flyway-rolling/v3");

	@Override
	List<String> migrateAtStartup(int release) {
		return List.of("--spring.liquibase.enabled=false",
				"--spring.flyway.locations=" + String.join(",", (release == 1) ? RELEASE_1 : RELEASE_2));
	}

	@Override
	void migrateLiveToRelease2(ConfigurableApplicationContext app) {
		Flyway configured = app.getBean(Flyway.class);
		Flyway.configure(getClass().getClassLoader())
			.configuration(configured.getConfiguration())
			.locations(RELEASE_2.toArray(String[]::new))
			.load()
			.migrate();
	}

	@Override
	String migrationVersion(int release) {
		return (release == 1) ? "flyway:1" : "flyway:3";
	}

	@Override
	List<String> migrationsRun(TestDatabase db) {
		return db.rows("SELECT version FROM flyway_schema_history ORDER BY installed_rank");
	}

}
