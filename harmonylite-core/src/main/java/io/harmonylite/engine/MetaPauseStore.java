package io.harmonylite.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the manual pauses in the node-local meta table that change capture installs ({@code manual_pause.<shard>},
 * the time of the pause in epoch milliseconds): they describe this node only, so snapshots never carry them, and
 * uninstalling capture removes them.
 */
final class MetaPauseStore implements ManualPauses.Store {

	private static final String KEY_PREFIX = "manual_pause.";

	private static final String META = SqlIdentifiers.quote(ChangeCapture.META_TABLE);

	private final Connection connection;

	/**
	 * Creates the store.
	 * @param connection a connection to the node's database, in auto-commit mode, on which capture is installed
	 */
	MetaPauseStore(Connection connection) {
		this.connection = connection;
	}

	@Override
	public synchronized Map<Integer, Instant> load() {
		Map<Integer, Instant> paused = new TreeMap<>();
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT key, value FROM " + META + " WHERE substr(key, 1, ?) = ?")) {
			statement.setInt(1, KEY_PREFIX.length());
			statement.setString(2, KEY_PREFIX);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					paused.put(Integer.parseInt(rows.getString(1).substring(KEY_PREFIX.length())),
							Instant.ofEpochMilli(rows.getLong(2)));
				}
			}
			return paused;
		}
		catch (SQLException | NumberFormatException ex) {
			throw new HarmonyLiteException("Could not read the manually paused shards from " + ChangeCapture.META_TABLE
					+ ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void save(int shard, Instant since) {
		update("INSERT INTO " + META + " (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
				+ "excluded.value", shard, since.toEpochMilli(), "store the pause of shard " + shard);
	}

	@Override
	public synchronized void delete(int shard) {
		update("DELETE FROM " + META + " WHERE key = ?", shard, null, "remove the pause of shard " + shard);
	}

	private void update(String sql, int shard, @Nullable Long value, String action) {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			statement.setString(1, KEY_PREFIX + shard);
			if (value != null) {
				statement.setLong(2, value);
			}
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not " + action + " in " + ChangeCapture.META_TABLE + ": "
					+ ex.getMessage(), ex);
		}
	}

}
