package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.capture.CaptureRemoval;
import io.harmonylite.event.Operation;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What an application and an operator do with running nodes on a real nats-server: listen to the changes of other
 * nodes, pause and resume a shard, uninstall capture.
 */
class OperatorControlIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String BOOKS = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)";

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "ops");

	@Test
	void listenerShouldHearOfOtherNodesChangesOnceCommittedAndNotOfItsOwn() {
		TestDatabase one = this.nodes.database(1, BOOKS);
		TestDatabase two = this.nodes.database(2, BOOKS);
		List<ReplicatedChange> heard = new CopyOnWriteArrayList<>();
		List<List<String>> rowsWhenHeard = new CopyOnWriteArrayList<>();
		this.nodes.start(1, one);
		this.nodes.start(HarmonyLiteEngine.builder(this.nodes.config(2, two)).replicatedChangeListener((change) -> {
			rowsWhenHeard.add(two.rows("SELECT title FROM Books WHERE id = " + change.key().get("id")));
			heard.add(change);
		}));

		one.execute("INSERT INTO Books VALUES (7, 'from one')");
		two.execute("INSERT INTO Books VALUES (8, 'from two')");
		await().atMost(TIMEOUT).until(() -> one.count("Books") == 2 && !heard.isEmpty());
		one.execute("DELETE FROM Books WHERE id = 7");

		await().atMost(TIMEOUT).until(() -> heard.size() == 2);
		assertThat(heard).extracting(ReplicatedChange::table, ReplicatedChange::operation, ReplicatedChange::key,
				ReplicatedChange::originNodeId)
			.containsExactly(tuple("Books", Operation.INSERT, Map.of("id", 7L), 1L),
					tuple("Books", Operation.DELETE, Map.of("id", 7L), 1L));
		assertThat(rowsWhenHeard).as("each change was committed before the listener heard of it")
			.containsExactly(List.of("from one"), List.of());
		EngineStatus listening = this.nodes.engines().get(1).status();
		assertThat(listening.counters().eventsDropped()).isZero();
		assertThat(listening.workers()).extracting(EngineStatus.Worker::name).contains("events");
	}

	@Test
	void pausedShardShouldApplyNothingUntilResumedAlsoAcrossARestart() {
		TestDatabase one = this.nodes.database(1, BOOKS);
		TestDatabase two = this.nodes.database(2, BOOKS);
		this.nodes.start(1, one);
		HarmonyLiteEngine paused = this.nodes.start(2, two);

		assertThat(paused.pauseShard(0)).isTrue();
		one.execute("INSERT INTO Books VALUES (1, 'written while paused')");
		await().atMost(TIMEOUT).until(() -> lag(paused) == 1);
		assertThat(two.count("Books")).isZero();
		EngineStatus.Shard shard = paused.status().shards().get(0);
		assertThat(paused.status().state()).isEqualTo(NodeState.PAUSED_MANUALLY);
		assertThat(shard.pausedManually()).isTrue();
		assertThat(shard.paused()).as("not a schema mismatch").isFalse();

		paused.close();
		HarmonyLiteEngine restarted = this.nodes.start(2, two);
		await().atMost(TIMEOUT).until(() -> lag(restarted) == 1);
		assertThat(restarted.status().state()).isEqualTo(NodeState.PAUSED_MANUALLY);
		assertThat(two.count("Books")).isZero();

		assertThat(restarted.resumeShard(0)).isTrue();
		await().atMost(TIMEOUT).until(() -> two.count("Books") == 1);
		assertThat(restarted.status().state()).isEqualTo(NodeState.RUNNING);
		assertThat(restarted.resumeShard(0)).as("no longer paused").isFalse();
	}

	@Test
	void pauseShouldNameTheShardsThereAreAndRefuseAStoppedNode() {
		TestDatabase db = this.nodes.database(1, BOOKS);
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(this.nodes.config(1, db)).build();

		assertThatIllegalArgumentException().isThrownBy(() -> engine.pauseShard(1))
			.withMessage("Node 1 has no shard 1: harmonylite.replication.shards is 1, so shards are numbered 0 to 0");
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(() -> engine.resumeShard(0))
			.withMessage("Node 1 is not started, so it cannot resume shard 0; start it first");
	}

	@Test
	void uninstallCaptureShouldSendWhatIsPendingStopTheNodeAndDropItsTriggersAndTables() {
		TestDatabase one = this.nodes.database(1, BOOKS);
		TestDatabase two = this.nodes.database(2, BOOKS);
		HarmonyLiteEngine engine = this.nodes.start(1, one);
		this.nodes.start(2, two);
		one.execute("INSERT INTO Books VALUES (1, 'sent before the uninstall')");

		CaptureRemoval removal = engine.uninstallCapture();

		assertThat(engine.isRunning()).isFalse();
		assertThat(removal.objectsDropped()).isPositive();
		assertThat(removal.unsentChanges()).isZero();
		assertThat(one.rows("SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'"))
			.containsExactly("0");
		assertThat(one.rows("SELECT title FROM Books")).containsExactly("sent before the uninstall");
		await().atMost(TIMEOUT).until(() -> two.count("Books") == 1);
	}

	private static long lag(HarmonyLiteEngine engine) {
		return engine.status().shards().get(0).lag();
	}

}
