package io.harmonylite.node.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.harmonylite.engine.TestDatabase;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot commands on stopped nodes against a real nats-server: one node saves a snapshot to the NATS object
 * store, the list shows it, another node's empty database gets it restored (keeping what was written there), and
 * unknown or unfitting snapshots leave the database unchanged with their exit codes.
 */
class SnapshotCommandsIntegrationTests {

	private static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	private final CommandOutput output = new CommandOutput();

	@Test
	void savedSnapshotShouldBeListedAndRestoredIntoAnotherNodesDatabase() {
		TestDatabase first = new TestDatabase(this.dir.resolve("first.db"));
		first.execute(BOOKS, "INSERT INTO Books VALUES (1, 'Emma')", "INSERT INTO Books VALUES (2, 'Dune')");
		TestDatabase second = new TestDatabase(this.dir.resolve("second.db"));
		second.execute(BOOKS);

		assertThat(run(1, first, "--save-snapshot")).as(this.output.stderr()).hasValue(0);
		Matcher saved = Pattern.compile("Saved snapshot (\\S+) of node 1: 2 rows").matcher(this.output.stdout());
		assertThat(saved.find()).as(this.output.stdout()).isTrue();
		String id = saved.group(1);

		assertThat(run(2, second, "--list-snapshots")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("Snapshots of node 2's cluster (1, newest first):", id, "2 rows");

		assertThat(run(2, second, "--restore-snapshot", id)).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("Restored snapshot " + id + " into " + second.path());
		assertThat(second.rows("SELECT id, title FROM Books ORDER BY id")).containsExactly("1|Emma", "2|Dune");

		assertThat(run(2, second, "-restore-snapshot")).as("the newest that fits").hasValue(0);
		assertThat(run(2, second, "--restore-snapshot=20990101T000000000Z-n9-aaaaaa")).hasValue(1);
		assertThat(this.output.stderr()).contains("--restore-snapshot failed", "20990101T000000000Z-n9-aaaaaa");
	}

	@Test
	void snapshotOfAnotherSchemaShouldNotBeRestoredAndExitWithTwo() {
		TestDatabase first = new TestDatabase(this.dir.resolve("first.db"));
		first.execute(BOOKS, "INSERT INTO Books VALUES (1, 'Emma')");
		TestDatabase other = new TestDatabase(this.dir.resolve("other.db"));
		other.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, isbn TEXT)",
				"INSERT INTO Books VALUES (7, 'kept', 'x')");
		assertThat(run(1, first, "--save-snapshot")).as(this.output.stderr()).hasValue(0);

		assertThat(run(2, other, "--restore-snapshot")).hasValue(SnapshotCommands.NOTHING_RESTORED);

		assertThat(this.output.stdout()).contains("No snapshot restored; " + other.path() + " is unchanged.",
				"schema hash");
		assertThat(other.rows("SELECT id, title FROM Books")).containsExactly("7|kept");
	}

	private OptionalInt run(int nodeId, TestDatabase db, String... command) {
		List<String> args = CommandOutput.nodeArguments(nodeId, db.path(), nats.url(), streams());
		args.add("--harmonylite.snapshot.bucket=" + streams());
		args.add("--harmonylite.snapshot.work-directory=" + this.dir.resolve("work-" + nodeId));
		return this.output.run(args, command);
	}

	private String streams() {
		return "cli-" + Integer.toHexString(this.dir.hashCode());
	}

}
