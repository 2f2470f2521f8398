package io.harmonylite.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SchemaVersionStoreTests {

	private static final Instant T1 = Instant.parse("2025-01-01T10:00:00Z");

	private static final Instant T2 = Instant.parse("2025-01-02T11:30:00.123456789Z");

	private static final Instant T3 = Instant.parse("2025-01-03T12:00:00Z");

	@TempDir
	Path directory;

	@Test
	void loadOnFreshDatabaseShouldBeEmptyAndCreateNothing() throws SQLException {
		try (Connection connection = open()) {
			assertThat(new SchemaVersionStore(connection).load()).isEmpty();
			assertThat(tableCount(connection)).isZero();
		}
	}

	@Test
	void firstRecordShouldStoreHashWithoutPrevious() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersion version = new SchemaVersionStore(connection).record("aaa", "v0.1.0", T1);
			assertThat(version).isEqualTo(new SchemaVersion("aaa", null, T1, "v0.1.0"));
			assertThat(new SchemaVersionStore(connection).load()).contains(version);
		}
	}

	@Test
	void newHashShouldMakeCurrentThePrevious() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersionStore store = storeWithAaa(connection);
			assertThat(store.record("bbb", "v0.2.0", T2)).isEqualTo(new SchemaVersion("bbb", "aaa", T2, "v0.2.0"));
			assertThat(store.record("ccc", "v0.2.0", T3)).isEqualTo(new SchemaVersion("ccc", "bbb", T3, "v0.2.0"));
		}
	}

	@Test
	void sameHashShouldChangeNothing() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersionStore store = storeWithAaaThenBbb(connection);
			assertThat(store.record("bbb", "v0.2.0", T3)).isEqualTo(new SchemaVersion("bbb", "aaa", T2, "v0.1.0"));
			assertThat(store.load()).contains(new SchemaVersion("bbb", "aaa", T2, "v0.1.0"));
		}
	}

	@Test
	void returningToThePreviousHashShouldSwapThem() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersionStore store = storeWithAaaThenBbb(connection);
			assertThat(store.record("aaa", "v0.1.0", T3)).isEqualTo(new SchemaVersion("aaa", "bbb", T3, "v0.1.0"));
		}
	}

	@Test
	void recordedVersionShouldSurviveReopeningTheDatabase() throws SQLException {
		try (Connection connection = open()) {
			storeWithAaaThenBbb(connection);
		}
		try (Connection connection = open()) {
			assertThat(new SchemaVersionStore(connection).load())
				.contains(new SchemaVersion("bbb", "aaa", T2, "v0.1.0"));
		}
	}

	@Test
	void tableShouldHoldOneRowWithReadableColumns() throws SQLException {
		try (Connection connection = open()) {
			storeWithAaaThenBbb(connection);
			try (Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT count(*), max(hash), max(previous_hash), "
							+ "max(updated_at), max(harmonylite_version) FROM __harmonylite__schema_version")) {
				rows.next();
				assertThat(rows.getInt(1)).isOne();
				assertThat(rows.getString(2)).isEqualTo("bbb");
				assertThat(rows.getString(3)).isEqualTo("aaa");
				assertThat(rows.getString(4)).isEqualTo("2025-01-02T11:30:00.123456789Z");
				assertThat(rows.getString(5)).isEqualTo("v0.1.0");
			}
		}
	}

	@Test
	void recordShouldTakePartInTheCallersTransaction() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersionStore store = storeWithAaa(connection);
			connection.setAutoCommit(false);
			store.record("bbb", "v0.1.0", T2);
			connection.rollback();
			connection.setAutoCommit(true);
			assertThat(store.load()).contains(new SchemaVersion("aaa", null, T1, "v0.1.0"));
		}
	}

	@Test
	void corruptTimestampShouldFailWithTheFix() throws SQLException {
		try (Connection connection = open()) {
			SchemaVersionStore store = storeWithAaa(connection);
			try (Statement statement = connection.createStatement()) {
				statement.execute("UPDATE __harmonylite__schema_version SET updated_at = 'yesterday'");
			}
			assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(store::load)
				.withMessageContaining("'yesterday'")
				.withMessageContaining("delete the row");
		}
	}

	/** A store on the connection that recorded hash aaa at T1 by v0.1.0. */
	private static SchemaVersionStore storeWithAaa(Connection connection) {
		SchemaVersionStore store = new SchemaVersionStore(connection);
		store.record("aaa", "v0.1.0", T1);
		return store;
	}

	/** A store on the connection that recorded hash aaa at T1, then bbb at T2, both by v0.1.0. */
	private static SchemaVersionStore storeWithAaaThenBbb(Connection connection) {
		SchemaVersionStore store = storeWithAaa(connection);
		store.record("bbb", "v0.1.0", T2);
		return store;
	}

	private Connection open() {
		return SqliteConnections.open(this.directory.resolve("node.db"));
	}

	private static int tableCount(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
