package io.harmonylite.node.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter commands on a stopped node against a real nats-server: its dead letters are listed (another node's
 * are not), re-applied after the fix by table, at most once, and one that still fails is reported with exit code 2.
 */
class DeadLetterCommandsIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	private final CommandOutput output = new CommandOutput();

	@Test
	void deadLettersShouldBeListedAndReappliedAfterTheFixWithExitTwoWhileSomeStillFail() {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		ReplicationConfig replication = CommandOutput.replication(streams());
		try (NatsNode node = NatsNode.open(NatsConfig.external(nats.url()), replication, 1, db.path())) {
			node.ensureStreams();
			deadLetter(node, 1, 1, "Books", row("id", 5L, "title", "Emma", "isbn", "978-0"), "no column isbn");
			deadLetter(node, 1, 2, "Books", row("id", 6L, "title", null), "NOT NULL constraint failed");
		}
		try (NatsNode other = NatsNode.open(NatsConfig.external(nats.url()), replication, 2, db.path())) {
			deadLetter(other, 2, 1, "Books", row("id", 5L, "title", "Emma", "isbn", "978-0"), "no column isbn");
		}

		assertThat(run("--list-dead-letters")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("Dead letters of node 1 (2):", "#1 " + streams() + "-0#1 Books",
				"#2 " + streams() + "-0#2 Books", "no column isbn").doesNotContain("#3 ");

		db.execute("ALTER TABLE Books ADD COLUMN isbn TEXT");
		assertThat(run("--reapply-dead-letters", "Books")).as(this.output.stderr())
			.hasValue(DeadLetterCommands.STILL_FAILING);
		assertThat(this.output.stdout()).contains(
				"Re-applied 1 dead letter(s) on node 1; 0 re-applied before; 1 still failing", "still failing #2",
				"NOT NULL");
		assertThat(db.rows("SELECT id, title, isbn FROM Books")).containsExactly("5|Emma|978-0");

		assertThat(run("--reapply-dead-letters=1-1")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout())
			.contains("Re-applied 0 dead letter(s) on node 1; 1 re-applied before; 0 still failing");
		assertThat(run("--reapply-dead-letters", "2-1")).hasValue(NodeCommands.FAILED);
		assertThat(this.output.stderr()).contains("--reapply-dead-letters failed", "10-20");
	}

	private void deadLetter(NatsNode node, long origin, long sequence, String table,
			Map<String, @Nullable Object> row, String reason) {
		long now = System.currentTimeMillis();
		ChangeEvent event = new ChangeEvent(origin, sequence, table, Operation.INSERT, row, List.of("id"), now, "",
				Version.hlcOf(now), null);
		node.deadLetterSink()
			.deadLetter(new ReceivedMessage(0, new StreamPosition(streams() + "-0", sequence),
					new ChangeEventCodec(false).encode(event)), reason);
	}

	private OptionalInt run(String... command) {
		return this.output.run(CommandOutput.nodeArguments(1, this.dir.resolve("node.db"), nats.url(), streams()),
				command);
	}

	private String streams() {
		return "dl-" + Integer.toHexString(this.dir.hashCode());
	}

}
