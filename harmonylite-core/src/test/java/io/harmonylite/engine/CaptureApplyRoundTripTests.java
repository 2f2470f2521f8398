package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import io.harmonylite.apply.ApplyResult;
import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqlIdentifiers;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capture on one file, the wire codec, and apply on another file, without NATS: every primary-key shape and every
 * value type must arrive exactly, and applied changes must not be captured again.
 */
class CaptureApplyRoundTripTests {

	private static final String[] SCHEMA = {
			"CREATE TABLE rowid_table (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n)",
			"CREATE TABLE composite (a TEXT NOT NULL, b INTEGER NOT NULL, v TEXT, PRIMARY KEY (a, b))",
			"CREATE TABLE text_key (code TEXT PRIMARY KEY, v ANY)",
			"CREATE TABLE no_rowid (k1 INTEGER, k2 BLOB, v TEXT, PRIMARY KEY (k2, k1)) WITHOUT ROWID",
			"CREATE TABLE \"we\"\"ird; --table\" (\"co'l\" INTEGER PRIMARY KEY, \"x\"\"y; DROP TABLE composite; --\" TEXT)" };

	private static final String[] TABLES = { "rowid_table", "composite", "text_key", "no_rowid", "we\"ird; --table" };

	@TempDir
	Path dir;

	private TestDatabase source;

	private TestDatabase target;

	private Connection sourceConnection;

	private Connection targetConnection;

	@BeforeEach
	void createDatabases() {
		this.source = new TestDatabase(this.dir.resolve("source.db"));
		this.target = new TestDatabase(this.dir.resolve("target.db"));
		this.source.execute(SCHEMA);
		this.target.execute(SCHEMA);
		this.sourceConnection = SqliteConnections.open(this.source.path());
		this.targetConnection = SqliteConnections.open(this.target.path());
		new ChangeCapture(this.sourceConnection, List.of(), List.of()).install();
		new ChangeCapture(this.targetConnection, List.of(), List.of()).install();
	}

	@AfterEach
	void close() throws Exception {
		this.sourceConnection.close();
		this.targetConnection.close();
	}

	@Test
	void everyKeyShapeAndValueTypeShouldArriveExactlyAndNotBeCapturedAgain() {
		byte[] blob = new byte[4 * 1024 * 1024];
		new Random(11).nextBytes(blob);
		blob[10] = 0;
		this.source.update("INSERT INTO rowid_table VALUES (?, ?, ?, ?, ?, ?)", 1, Long.MIN_VALUE, -0.5, "日本語 🎉 'x' \"y\"", blob, null);
		this.source.update("INSERT INTO rowid_table VALUES (?, ?, ?, ?, ?, ?)", 2, Long.MAX_VALUE, Math.PI, "", new byte[0], 7);
		this.source.execute("INSERT INTO composite VALUES ('a', 1, 'one'), ('a', 2, 'two'), ('b', 1, 'three')",
				"INSERT INTO text_key VALUES ('k1', 1), ('k2', 2.5), ('k3', 'text'), ('k4', x'00ff00'), ('k5', NULL)",
				"INSERT INTO no_rowid VALUES (1, x'0001', 'first'), (2, x'0002', 'second')",
				"INSERT INTO \"we\"\"ird; --table\" VALUES (1, '''); DROP TABLE composite; --')",
				"UPDATE composite SET v = 'changed' WHERE a = 'a' AND b = 2", "DELETE FROM composite WHERE a = 'b'",
				"UPDATE text_key SET code = 'k9' WHERE code = 'k1'", "DELETE FROM no_rowid WHERE k1 = 2");
		List<PositionedChange> batch = replicate();
		ApplyResult result = new ChangeApplier(SqliteConnections.open(this.target.path())).apply(batch);
		assertThat(result.applied()).isEqualTo(batch.size());
		for (String table : TABLES) {
			String sql = "SELECT *, " + typeofs(table) + " FROM " + SqlIdentifiers.quote(table) + " ORDER BY 1, 2";
			assertThat(this.target.rows(sql)).as(table).isEqualTo(this.source.rows(sql));
		}
		assertThat(this.target.rows("SELECT k FROM (SELECT code AS k FROM text_key) ORDER BY k")).containsExactly("k2", "k3",
				"k4", "k5", "k9");
		assertThat(this.target.count("__harmonylite__change_log")).as("applied changes are not captured").isZero();
	}

	@Test
	void reapplyingTheSameBatchShouldChangeNothing() {
		this.source.execute("INSERT INTO text_key VALUES ('a', 1)", "UPDATE text_key SET v = 2", "DELETE FROM text_key",
				"INSERT INTO text_key VALUES ('a', 3)");
		List<PositionedChange> batch = replicate();
		try (ChangeApplier applier = new ChangeApplier(SqliteConnections.open(this.target.path()))) {
			applier.apply(batch);
			this.target.execute("UPDATE text_key SET v = 'local edit'");
			ApplyResult again = applier.apply(batch);
			assertThat(again.applied()).isZero();
			assertThat(again.skipped()).isEqualTo(batch.size());
			assertThat(this.target.rows("SELECT v FROM text_key")).containsExactly("local edit");
			assertThat(applier.position("s")).isEqualTo(batch.size());
		}
	}

	private List<PositionedChange> replicate() {
		ChangeLogReader reader = new ChangeLogReader(this.sourceConnection, 1);
		ChangeEventCodec codec = new ChangeEventCodec(true);
		List<PositionedChange> batch = new ArrayList<>();
		long sequence = 0;
		for (CapturedChange change : reader.readAfter(0, 10_000)) {
			batch.add(new PositionedChange(codec.decode(codec.encode(change.event())), new StreamPosition("s", ++sequence)));
		}
		return batch;
	}

	private String typeofs(String table) {
		try (Connection connection = SqliteConnections.open(this.source.path())) {
			return new SchemaReader(connection).table(table)
				.orElseThrow()
				.columnNames()
				.stream()
				.map((column) -> "typeof(" + SqlIdentifiers.quote(column) + ")")
				.collect(Collectors.joining(", "));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
