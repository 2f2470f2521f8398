package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Failures are classified by SQLite's result code: refusals that repeat go to the dead letter, the rest is retried.
 */
class ApplyFailureTests {

	@TempDir
	Path directory;

	@ParameterizedTest
	@EnumSource(names = { "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_NOTNULL", "SQLITE_CONSTRAINT_UNIQUE",
			"SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_CHECK", "SQLITE_CONSTRAINT_FOREIGNKEY",
			"SQLITE_CONSTRAINT_TRIGGER", "SQLITE_MISMATCH", "SQLITE_TOOBIG", "SQLITE_RANGE", "SQLITE_ERROR",
			"SQLITE_AUTH" })
	void deterministicRefusalsShouldBePermanent(SQLiteErrorCode code) {
		assertThat(ApplyFailure.of(wrapped(code))).isEqualTo(ApplyFailure.PERMANENT);
	}

	@ParameterizedTest
	@EnumSource(names = { "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED", "SQLITE_IOERR",
			"SQLITE_IOERR_SHORT_READ", "SQLITE_IOERR_FSYNC", "SQLITE_FULL", "SQLITE_NOMEM", "SQLITE_READONLY",
			"SQLITE_CANTOPEN", "SQLITE_SCHEMA", "SQLITE_INTERRUPT", "SQLITE_CORRUPT" })
	void failuresThatCanHealShouldBeTransient(SQLiteErrorCode code) {
		assertThat(ApplyFailure.of(wrapped(code))).isEqualTo(ApplyFailure.TRANSIENT);
	}

	@Test
	void failureWithoutSqliteCodeShouldBeTransient() {
		assertThat(ApplyFailure.of(new HarmonyLiteException("x", new SQLException("statement is not executing"))))
			.isEqualTo(ApplyFailure.TRANSIENT);
		assertThat(ApplyFailure.of(new IllegalStateException("x"))).isEqualTo(ApplyFailure.TRANSIENT);
	}

	@Test
	void unexpectedFailureWritingOneChangeShouldBePermanentButAKnownOneTransient() {
		StreamPosition position = new StreamPosition("s", 1);
		assertThat(ApplyFailure.of(new ChangeApplyException(0, position, "t", Operation.INSERT,
				new IllegalStateException("a defect")))).isEqualTo(ApplyFailure.PERMANENT);
		assertThat(ApplyFailure.of(new ChangeApplyException(0, position, "t", Operation.INSERT,
				new HarmonyLiteException("the version state of a row is corrupt")))).isEqualTo(ApplyFailure.TRANSIENT);
	}

	@Test
	void realNotNullAndTypeErrorsOfSqliteShouldBePermanent() throws SQLException {
		try (Connection connection = SqliteConnections.open(this.directory.resolve("f.db"));
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
			Throwable notNull = catchThrowable(() -> statement.execute("INSERT INTO books VALUES (1, NULL)"));
			Throwable wrongKeyType = catchThrowable(() -> statement.execute("INSERT INTO books VALUES ('x', 't')"));
			assertThat(((SQLiteException) notNull).getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL);
			assertThat(ApplyFailure.of(notNull)).isEqualTo(ApplyFailure.PERMANENT);
			assertThat(ApplyFailure.of(wrongKeyType)).isEqualTo(ApplyFailure.PERMANENT);
		}
	}

	private static Throwable wrapped(SQLiteErrorCode code) {
		return new HarmonyLiteException("apply failed", new SQLiteException("refused", code));
	}

}
