package io.harmonylite.capture;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.capture.CaptureTestSupport.execute;
import static io.harmonylite.capture.CaptureTestSupport.sqlite3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Writes made by the {@code sqlite3} command-line shell (another process, another SQLite version) are captured by the
 * triggers installed from Java.
 */
class CaptureCliIntegrationTests {

	@TempDir
	Path directory;

	private Path database;

	private Connection connection;

	@BeforeEach
	void open() throws Exception {
		this.database = this.directory.resolve("app.db");
		this.connection = SqliteConnections.open(this.database);
		execute(this.connection, "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, author TEXT, year INTEGER)",
				"CREATE TABLE tags (book INTEGER, tag TEXT, PRIMARY KEY (book, tag)) WITHOUT ROWID");
		new ChangeCapture(this.connection, List.of(), List.of()).install();
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
	}

	private List<ChangeEvent> events() {
		return new ChangeLogReader(this.connection, 1).readAfter(0, 100).stream().map(CapturedChange::event).toList();
	}

	@Test
	void insertUpdateAndDeleteFromTheCliShouldBeCaptured() throws Exception {
		sqlite3(this.database, "INSERT INTO books VALUES (1, 'Dune', 'Herbert', 1965); "
				+ "UPDATE books SET year = 1966 WHERE id = 1; INSERT INTO tags VALUES (1, 'sf'); "
				+ "UPDATE books SET id = 2 WHERE id = 1; DELETE FROM books; DELETE FROM tags;");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::table)
			.containsExactly("books", "books", "tags", "books", "books", "books", "tags");
		assertThat(events).extracting(ChangeEvent::operation)
			.containsExactly(Operation.INSERT, Operation.UPDATE, Operation.INSERT, Operation.DELETE, Operation.UPDATE,
					Operation.DELETE, Operation.DELETE);
		assertThat(events.get(0).row()).containsExactly(entry("id", 1L), entry("title", "Dune"),
				entry("author", "Herbert"), entry("year", 1965L));
		assertThat(events.get(4).row()).containsEntry("id", 2L).containsEntry("year", 1966L);
		assertThat(events.get(6).primaryKeyValues()).containsExactly(1L, "sf");
		assertThat(events).allSatisfy((event) -> assertThat(event.committedAtMillis()).isPositive());
	}

	@Test
	void tablesAndColumnsNamedWithBytesThatAreNotUtf8ShouldBeLeftOutNamedWhileEveryOtherTableIsCaptured()
			throws Exception {
		// Only a writer that sends raw bytes (the CLI reading them) can make such names.
		sqlite3Bytes(concat("CREATE TABLE \"bad", new byte[] { (byte) 0xff }, "name\" (id INTEGER PRIMARY KEY); "
				+ "CREATE TABLE odd (id INTEGER PRIMARY KEY, \"c", new byte[] { (byte) 0xfe }, "\" TEXT);"));
		ChangeCapture capture = new ChangeCapture(this.connection, List.of(), List.of());
		assertThatExceptionOfType(UnsupportedTableException.class).isThrownBy(capture::install)
			.withMessageContaining("table x'626164FF6E616D65' has a name that is not valid UTF-8")
			.withMessageContaining("column x'63FE' of table 'odd'")
			.withMessageContaining("rename it");
		ChangeCapture.Installed installed = capture.reinstall();
		assertThat(installed.tables()).extracting(TableSchema::name).containsExactly("books", "tags");
		assertThat(installed.leftOut()).hasSize(2);
		sqlite3(this.database, "INSERT INTO books VALUES (1, 'Dune', 'Herbert', 1965);");
		assertThat(events()).extracting(ChangeEvent::table).containsExactly("books");
	}

	private void sqlite3Bytes(byte[] sql) throws Exception {
		Process process = new ProcessBuilder("sqlite3", "-bail", this.database.toString()).redirectErrorStream(true)
			.start();
		try (var input = process.getOutputStream()) {
			input.write(sql);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("sqlite3: %s", output).isZero();
	}

	private static byte[] concat(Object... parts) {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		for (Object part : parts) {
			bytes.writeBytes((part instanceof byte[] raw) ? raw : part.toString().getBytes(StandardCharsets.UTF_8));
		}
		return bytes.toByteArray();
	}

	@Test
	void cliWritesWithTrustedSchemaOffShouldBeCaptured() throws Exception {
		sqlite3(this.database, "PRAGMA trusted_schema=OFF; INSERT INTO books (title) VALUES ('a''b; --'); "
				+ "UPDATE books SET author = x'00ff'; DELETE FROM books;");
		List<ChangeEvent> events = events();
		assertThat(events).extracting(ChangeEvent::operation)
			.containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
		assertThat(events.get(0).row()).containsEntry("title", "a'b; --");
		assertThat((byte[]) events.get(1).row().get("author")).containsExactly(0, 0xff);
	}

	@Test
	void applierMarkerShouldBeInvisibleToTheCliAndCliWritesShouldStillBeCaptured() throws Exception {
		try (Connection applier = SqliteConnections.open(this.database)) {
			applier.setAutoCommit(false);
			ApplyMarker.set(applier);
			execute(applier, "INSERT INTO books (id, title) VALUES (1, 'applied')");
			assertThat(sqlite3(this.database, "SELECT count(*) FROM \"" + ApplyMarker.TABLE + "\";").strip())
				.isEqualTo("0");
			// The CLI waits for the applier's write lock, then writes after its commit.
			Process cli = new ProcessBuilder("sqlite3", "-bail", "-cmd", ".timeout 30000", this.database.toString(),
					"INSERT INTO books (id, title) VALUES (2, 'cli');")
				.redirectErrorStream(true)
				.start();
			ApplyMarker.clear(applier);
			applier.commit();
			assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(cli.exitValue()).as(new String(cli.getInputStream().readAllBytes())).isZero();
		}
		assertThat(events()).extracting((event) -> event.row().get("title")).containsExactly("cli");
	}

	@Test
	void notifierShouldWakeTheListenerForACliWrite() throws Exception {
		AtomicLong pending = new AtomicLong();
		ChangeLogReader reader = new ChangeLogReader(this.connection, 1);
		// Polling is effectively off: the file watch reports the other process's write.
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, Duration.ofHours(1),
				() -> pending.set(reader.pendingCount()))) {
			notifier.start();
			sqlite3(this.database, "INSERT INTO books (title) VALUES ('from the cli');");
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(pending).hasValue(1));
		}
	}

	@Test
	void notifierPollingShouldWakeTheListenerForACliWrite() throws Exception {
		AtomicLong pending = new AtomicLong();
		ChangeLogReader reader = new ChangeLogReader(this.connection, 1);
		try (ChangeNotifier notifier = new ChangeNotifier(this.database, Duration.ofMillis(50),
				() -> pending.set(reader.pendingCount()))) {
			notifier.start();
			sqlite3(this.database, "INSERT INTO books (title) VALUES ('from the cli');");
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(pending).hasValue(1));
		}
	}

}
