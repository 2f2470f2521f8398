package io.harmonylite.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.harmonylite.HarmonyLiteException;

/**
 * Notices DDL cheaply by polling {@code PRAGMA schema_version}, the counter SQLite bumps on every schema change made
 * through any connection or process (the {@code sqlite3} CLI included).
 * <p>
 * Give it a connection of its own in auto-commit mode: a connection inside an open read transaction keeps seeing the
 * old counter. The counter also moves when HarmonyLite itself regenerates triggers or creates its tables; the
 * recompute that follows then simply yields the same hash. Not thread-safe: one poller calls {@link #changed()}.
 *
 * @since 0.1.0
 */
public final class SchemaChangeDetector {

	private final Connection connection;

	private long lastSeen;

	/**
	 * Creates a detector and takes the current counter as the baseline.
	 * @param connection a dedicated connection to the database, in auto-commit mode
	 */
	public SchemaChangeDetector(Connection connection) {
		this.connection = connection;
		this.lastSeen = schemaVersion();
	}

	/**
	 * Whether the schema changed since this detector was created or since the previous call.
	 * @return {@code true} when {@code PRAGMA schema_version} moved
	 */
	public boolean changed() {
		long current = schemaVersion();
		boolean changed = current != this.lastSeen;
		this.lastSeen = current;
		return changed;
	}

	/**
	 * The counter as read by the last {@link #changed()} (or at creation).
	 * @return the baseline {@code PRAGMA schema_version}
	 */
	public long lastSeen() {
		return this.lastSeen;
	}

	/**
	 * Reads SQLite's schema counter now, without touching the baseline.
	 * @return the current {@code PRAGMA schema_version}
	 */
	public long schemaVersion() {
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA schema_version")) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read PRAGMA schema_version to detect schema changes: "
					+ ex.getMessage(), ex);
		}
	}

}
