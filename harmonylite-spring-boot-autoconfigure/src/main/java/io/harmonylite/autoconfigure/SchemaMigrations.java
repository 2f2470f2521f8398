package io.harmonylite.autoconfigure;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.nats.NatsPreflight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the engine through its schema-change path around a migration run by the application, as the Flyway and
 * Liquibase integrations do; call {@link #before} and {@link #after} around migrations run by other means.
 * <p>
 * A migration at startup runs before the engine starts. Then {@link #before} first checks what would certainly keep
 * the engine from starting (a database file it cannot open or write, no {@code nats-server} for the embedded mode,
 * its client port taken, unreadable NKey or TLS files), so that the application fails before the migration changes
 * the database rather than after. Another node running on the database is refused even earlier, when the engine is
 * created (see {@link HarmonyLiteEngine#acquireLock()}), or, with {@code harmonylite.auto-startup=false}, by
 * {@link HarmonyLiteEngine#beforeMigration()}.
 *
 * @since 0.1.0
 */
public final class SchemaMigrations {

	private static final Logger logger = LoggerFactory.getLogger(SchemaMigrations.class);

	private SchemaMigrations() {
	}

	/**
	 * Prepares for a migration: sends pending changes and removes the capture triggers; before startup, first runs
	 * the pre-flight checks ({@link NatsPreflight}; the database path is checked when the engine takes its lock).
	 * @param engine the engine replicating the database to migrate
	 * @param tool who migrates, for the log, e.g. {@code Flyway}
	 * @throws io.harmonylite.HarmonyLiteException when a pre-flight check fails
	 */
	public static void before(HarmonyLiteEngine engine, String tool) {
		HarmonyLiteConfig config = engine.config();
		if (!engine.isRunning()) {
			NatsPreflight.check(config.nats(), config.nodeId(), config.dbPath());
		}
		logger.info("Node {}: {} is about to migrate; flushing pending changes and removing capture triggers",
				config.nodeId(), tool);
		engine.beforeMigration();
	}

	/**
	 * Finishes a migration, successful or not: regenerates capture and the schema hash now; before the engine starts,
	 * puts the capture triggers back at once (the application may stop, its migration failed, while other processes
	 * write) and leaves the hash to the engine's start.
	 * @param engine the engine replicating the migrated database
	 * @param tool who migrated, for the log
	 * @param succeeded whether the migration succeeded
	 */
	public static void after(HarmonyLiteEngine engine, String tool, boolean succeeded) {
		logger.info("Node {}: {} migration {}; {}", engine.config().nodeId(), tool, succeeded ? "finished" : "failed",
				engine.isRunning() ? "regenerating capture and the schema hash"
						: "putting the capture triggers back; the schema hash is computed when the engine starts");
		engine.afterMigration();
	}

}
