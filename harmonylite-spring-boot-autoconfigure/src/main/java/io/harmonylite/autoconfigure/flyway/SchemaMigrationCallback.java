package io.harmonylite.autoconfigure.flyway;

import io.harmonylite.autoconfigure.SchemaMigrations;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Takes the engine through its schema-change path around Flyway migrations: before migrating, pending changes are
 * sent and the capture triggers removed (SQLite refuses e.g. {@code DROP COLUMN} of a column a trigger names); after
 * migrating, successfully or not, capture is regenerated, the schema hash recomputed and published, and paused shards
 * redelivered at once.
 * <p>
 * When Flyway runs at startup the engine is not started yet: what would keep it from starting is checked before
 * migrating (see {@link SchemaMigrations}), the triggers are removed, and the engine regenerates capture and the hash
 * when it starts.
 *
 * @since 0.1.0
 */
public class SchemaMigrationCallback implements Callback {

	private final HarmonyLiteEngine engine;

	/**
	 * Creates a callback for the given engine.
	 * @param engine the engine replicating the migrated database
	 */
	public SchemaMigrationCallback(HarmonyLiteEngine engine) {
		this.engine = engine;
	}

	@Override
	public boolean supports(Event event, Context context) {
		return event == Event.BEFORE_MIGRATE || event == Event.AFTER_MIGRATE || event == Event.AFTER_MIGRATE_ERROR;
	}

	/**
	 * Outside Flyway's transaction: the callback writes through connections of its own, which would wait for the write
	 * lock that a transaction of Flyway's connection holds (a data source with {@code transaction_mode=IMMEDIATE}).
	 */
	@Override
	public boolean canHandleInTransaction(Event event, Context context) {
		return false;
	}

	@Override
	public void handle(Event event, Context context) {
		if (event == Event.BEFORE_MIGRATE) {
			SchemaMigrations.before(this.engine, "Flyway");
		}
		else {
			SchemaMigrations.after(this.engine, "Flyway", event == Event.AFTER_MIGRATE);
		}
	}

	@Override
	public String getCallbackName() {
		return "HarmonyLite";
	}

}
