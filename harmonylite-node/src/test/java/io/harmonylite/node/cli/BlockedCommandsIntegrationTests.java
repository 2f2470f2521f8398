package io.harmonylite.node.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.TestDatabase;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.NatsNode;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.snapshot.ReplicatedTables;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.harmonylite.testsupport.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The blocked-message commands on a stopped node against a real nats-server and a real SQLite file: a change with a
 * schema hash no node has, published straight to the shard stream, is shown with its table, key, hash and reason;
 * skipping it moves it to the dead letter and the position past it; a change SQLite refuses is shown with its result
 * code; a change that would apply is not skipped without {@code --force}, and applies once the node starts; while
 * the node runs, the commands refuse.
 */
class BlockedCommandsIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	private static final String UNKNOWN_HASH = "f".repeat(64);

	@TempDir
	Path dir;

	private final CommandOutput output = new CommandOutput();

	@Test
	void blockedMessagesShouldBeShownAndSkippedToTheDeadLetterSoThatLaterChangesApply() throws Exception {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		String hash = localHash(db);
		ReplicationConfig replication = CommandOutput.replication(streams());
		try (NatsNode node = NatsNode.open(NatsConfig.external(nats.url()), replication, 2, db.path())) {
			node.ensureStreams();
		}
		try (io.nats.client.Connection connection = Nats.connect(nats.url())) {
			JetStream jetStream = connection.jetStream();
			String subject = replication.subject(0);
			jetStream.publish(subject, encode(1, row("id", 1L, "title", "Emma"), UNKNOWN_HASH));
			jetStream.publish(subject, encode(2, row("id", 2L, "title", null), hash));
			jetStream.publish(subject, encode(3, row("id", 3L, "title", "Persuasion"), hash));
		}

		assertThat(run("--show-blocked")).as(this.output.stderr()).hasValue(BlockedCommands.BLOCKED_OR_REFUSED);
		assertThat(this.output.stdout()).contains("1 of 1 shard(s) wait",
				"shard 0 " + streams() + "-0#1 (applied up to 0)", "INSERT Books {id=1}", "schema hash " + UNKNOWN_HASH,
				"blocked: the shard waits", "neither this node's current (" + hash + ")");

		assertThat(run("--skip-blocked", "0")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("Skipped message 1 of " + streams() + "-0 to the dead letter",
				"goes on at sequence 2");

		assertThat(run("--show-blocked=0")).as(this.output.stderr()).hasValue(BlockedCommands.BLOCKED_OR_REFUSED);
		assertThat(this.output.stdout()).contains(streams() + "-0#2 (applied up to 1)", "INSERT Books {id=2}",
				"SQLITE_CONSTRAINT_NOTNULL (permanent");
		assertThat(run("--skip-blocked=0")).as(this.output.stderr()).hasValue(0);

		assertThat(run("--show-blocked")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("0 of 1 shard(s) wait", streams() + "-0#3 (applied up to 2)",
				"applies: it would apply now");
		assertThat(run("--skip-blocked", "0")).as(this.output.stderr()).hasValue(BlockedCommands.BLOCKED_OR_REFUSED);
		assertThat(this.output.stdout()).contains("Not skipped: message 3 would apply now", "(--force)");
		assertThat(db.count("Books")).isZero();

		assertThat(run("--list-dead-letters")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains("Dead letters of node 1 (2):", streams() + "-0#1 Books",
				streams() + "-0#2 Books", "skipped by an operator while the shard waits",
				"skipped by an operator while SQLite refuses it");

		HarmonyLiteConfig config = NodeCommands.loadConfig(args().toArray(String[]::new));
		try (HarmonyLiteEngine engine = HarmonyLiteEngine.builder(config).build()) {
			engine.start();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(db.rows("SELECT id, title FROM Books")).containsExactly("3|Persuasion"));
			assertThat(run("--skip-blocked", "0", "--force")).hasValue(NodeCommands.FAILED);
			assertThat(this.output.stderr()).contains("--skip-blocked failed: Node 1 is running", "stop it first");
			// The refused command did not delete the running node's registry key on its way out.
			assertThat(run("--show-blocked")).hasValue(NodeCommands.FAILED);
			assertThat(this.output.stderr()).contains("--show-blocked failed: Node 1 is running");
			assertThat(engine.isRunning()).isTrue();
		}
		assertThat(run("--show-blocked")).as(this.output.stderr()).hasValue(0);
		assertThat(this.output.stdout()).contains(streams() + "-0#4 (applied up to 3)", "nothing waits");
		assertThat(run("--skip-blocked", "1")).hasValue(NodeCommands.FAILED);
		assertThat(this.output.stderr()).contains("--skip-blocked failed", "has no shard 1");
		assertThat(run("--skip-blocked")).hasValue(NodeCommands.FAILED);
		assertThat(this.output.stderr()).contains("name the shard whose message to skip, e.g. --skip-blocked 0");
	}

	private static String localHash(TestDatabase db) throws SQLException {
		try (Connection connection = SqliteConnections.open(db.path())) {
			return ReplicatedTables.all().schemaHash(connection);
		}
	}

	private static byte[] encode(long changeId, Map<String, @Nullable Object> row, String hash) {
		long now = System.currentTimeMillis();
		ChangeEvent event = new ChangeEvent(7, changeId, "Books", Operation.INSERT, row, List.of("id"), now, hash,
				Version.hlcOf(now), null);
		return new ChangeEventCodec(false).encode(event);
	}

	private OptionalInt run(String... command) {
		return this.output.run(args(), command);
	}

	private List<String> args() {
		List<String> args = CommandOutput.nodeArguments(1, this.dir.resolve("node.db"), nats.url(), streams());
		args.add("--harmonylite.replication.shards=1");
		return args;
	}

	private String streams() {
		return "bl-" + Integer.toHexString(this.dir.hashCode());
	}

}
