package io.harmonylite.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.sqlite.SqliteConnections.Synchronous;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link SqliteConnections}: WAL with {@code synchronous=NORMAL} by default, {@code FULL} where a commit must survive
 * a power loss, and a WAL cut back after checkpoints.
 */
class SqliteConnectionsTests {

	@TempDir
	Path dir;

	@Test
	void connectionsShouldUseWalAndTheRequestedSynchronousLevel() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection normal = SqliteConnections.open(db);
				Connection full = SqliteConnections.open(db, Synchronous.FULL)) {
			assertThat(pragma(normal, "journal_mode")).isEqualTo("wal");
			assertThat(pragma(normal, "synchronous")).isEqualTo("1");
			assertThat(pragma(full, "synchronous")).isEqualTo("2");
			assertThat(pragma(normal, "journal_size_limit")).isEqualTo(Integer.toString(SqliteConnections.WAL_SIZE_LIMIT));
			assertThat(pragma(full, "journal_size_limit")).isEqualTo(Integer.toString(SqliteConnections.WAL_SIZE_LIMIT));
		}
	}

	private static String pragma(Connection connection, String name) throws Exception {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("PRAGMA " + name)) {
			result.next();
			return result.getString(1);
		}
	}


	@Test
	void fileThatIsNotADatabaseShouldBeNamedAsSuchAndLeftAsItIs() throws Exception {
		Path garbage = this.dir.resolve("garbage.db");
		Files.write(garbage, new byte[8192]);
		Files.writeString(garbage, "this is not an SQLite database, just some text that fills the header");
		byte[] before = Files.readAllBytes(garbage);
		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> SqliteConnections.open(garbage).createStatement().executeQuery("SELECT 1 FROM sqlite_master"))
			.withMessageContaining("not an SQLite database or is damaged")
			.withMessageContaining("harmonylite.db-path");
		assertThat(Files.readAllBytes(garbage)).isEqualTo(before);
	}

	@Test
	void readOnlyDatabaseShouldBeNamedAsSuchWithTheFix() {
		assertThat(SqliteConnections.advice(new java.sql.SQLException(
				"[SQLITE_READONLY] Attempt to write a readonly database (attempt to write a readonly database)")))
			.contains("read-only", "writable");
		assertThat(SqliteConnections.advice(new java.sql.SQLException("[SQLITE_BUSY] database is locked")))
			.contains("write lock", "busy timeout")
			.doesNotContain("tried again");
		assertThat(SqliteConnections.advice(new java.sql.SQLException(
				"[SQLITE_BUSY_SNAPSHOT] Another database connection has already written to the database")))
			.contains("BEGIN IMMEDIATE");
		assertThat(SqliteConnections.advice(new java.sql.SQLException(
				"[SQLITE_FULL] Insertion failed because database is full (database or disk is full)")))
			.contains("full", "free space");
		assertThat(SqliteConnections.advice(new java.sql.SQLException("[SQLITE_CANTOPEN] unable to open database file")))
			.isEqualTo("Check that the file exists and is writable.");
		assertThat(SqliteConnections.advice(new java.sql.SQLException(
				"[SQLITE_ERROR] SQL error or missing database (too many columns on t)")))
			.as("not a file problem").doesNotContain("writable");
	}

}
