package io.harmonylite.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

import io.harmonylite.HarmonyLiteException;

/**
 * Keeps a node's current and previous schema hash in the single-row table {@value #TABLE}, so both survive restarts
 * and the node still accepts changes from nodes one migration behind.
 * <p>
 * Statements run on the given connection, inside the caller's transaction when one is open.
 *
 * @since 0.1.0
 */
public final class SchemaVersionStore {

	/** The table holding the hashes. */
	public static final String TABLE = SchemaReader.INTERNAL_PREFIX + "schema_version";

	private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
			+ "id INTEGER PRIMARY KEY CHECK (id = 1), hash TEXT NOT NULL, previous_hash TEXT, "
			+ "updated_at TEXT NOT NULL, harmonylite_version TEXT NOT NULL)";

	// On conflict the right-hand sides see the old row, so previous_hash takes the old current hash; the WHERE
	// clause makes an unchanged hash a no-op.
	private static final String RECORD = "INSERT INTO " + TABLE
			+ " (id, hash, previous_hash, updated_at, harmonylite_version) VALUES (1, ?, NULL, ?, ?) "
			+ "ON CONFLICT (id) DO UPDATE SET previous_hash = hash, hash = excluded.hash, "
			+ "updated_at = excluded.updated_at, harmonylite_version = excluded.harmonylite_version "
			+ "WHERE hash <> excluded.hash";

	private static final String LOAD = "SELECT hash, previous_hash, updated_at, harmonylite_version FROM " + TABLE
			+ " WHERE id = 1";

	private final Connection connection;

	public SchemaVersionStore(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Reads the recorded hashes without creating anything, so a read-only status command can use it.
	 * @return the recorded version, empty when none was recorded yet
	 */
	public Optional<SchemaVersion> load() {
		try {
			if (!tableExists()) {
				return Optional.empty();
			}
			try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(LOAD)) {
				if (!rows.next()) {
					return Optional.empty();
				}
				return Optional.of(new SchemaVersion(rows.getString(1), rows.getString(2), parseInstant(rows.getString(3)),
						rows.getString(4)));
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read the schema version from " + TABLE + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Records a freshly computed hash: when it differs from the current one, the current one becomes the previous one;
	 * when it is the same, nothing changes (not even the timestamp or version). Creates the table when missing.
	 * @param newHash the hash just computed
	 * @param harmonyLiteVersion the running HarmonyLite version
	 * @param now the time to record
	 * @return the version now stored
	 */
	public SchemaVersion record(String newHash, String harmonyLiteVersion, Instant now) {
		Objects.requireNonNull(newHash, "newHash");
		Objects.requireNonNull(harmonyLiteVersion, "harmonyLiteVersion");
		try {
			try (Statement statement = this.connection.createStatement()) {
				statement.execute(CREATE);
			}
			try (PreparedStatement statement = this.connection.prepareStatement(RECORD)) {
				statement.setString(1, newHash);
				statement.setString(2, now.toString());
				statement.setString(3, harmonyLiteVersion);
				statement.executeUpdate();
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not record schema hash " + SchemaHasher.shortHash(newHash) + " in "
					+ TABLE + ": " + ex.getMessage() + ". Check that the database is writable.", ex);
		}
		return load().orElseThrow(() -> new HarmonyLiteException(
				"Schema hash " + SchemaHasher.shortHash(newHash) + " was recorded in " + TABLE + " but cannot be read back"));
	}

	private boolean tableExists() throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT 1 FROM pragma_table_list WHERE schema = 'main' AND name = ?")) {
			statement.setString(1, TABLE);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next();
			}
		}
	}

	private static Instant parseInstant(String text) {
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new HarmonyLiteException("The updated_at value '" + text + "' in " + TABLE
					+ " is not an ISO-8601 instant; delete the row so that the node records its hash again", ex);
		}
	}

}
