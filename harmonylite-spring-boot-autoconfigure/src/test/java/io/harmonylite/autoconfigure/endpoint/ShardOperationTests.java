package io.harmonylite.autoconfigure.endpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.autoconfigure.endpoint.HarmonyLiteEndpoint.ShardDescriptor;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.NodeState;
import io.harmonylite.event.Operation;
import io.harmonylite.replicate.ReplicationConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PauseShardOperation} and {@link ResumeShardOperation}: when they run, and what they answer when
 * they cannot.
 */
class ShardOperationTests {

	private final AtomicReference<EngineStatus> status = new AtomicReference<>(EngineStatuses.running());

	private final List<Integer> acted = new ArrayList<>();

	@Test
	void pauseShouldPauseTheShardAndAnswerWithItsStateAfterwards() {
		PauseShardOperation pause = new PauseShardOperation(config(true), this.status::get, (shard) -> {
			this.acted.add(shard);
			this.status.set(EngineStatuses.pausedManually());
			return true;
		});

		OperationResult result = pause.run("0");

		assertThat(this.acted).containsExactly(0);
		assertThat(result.outcome()).isEqualTo(Outcome.DONE);
		assertThat(result).extracting(OperationResult::target, OperationResult::id, OperationResult::action)
			.containsExactly("shards", "0", "pause");
		assertThat(result.message()).startsWith("Shard 0 is paused on node 3").contains("\"action\": \"resume\"");
		assertThat(result.detail()).isInstanceOfSatisfying(ShardDescriptor.class, (shard) -> {
			assertThat(shard.pausedManually()).isTrue();
			assertThat(shard.paused()).isTrue();
			assertThat(shard.pausedSince()).isEqualTo(EngineStatuses.PAUSED_SINCE);
			assertThat(shard.pausedReason()).startsWith("paused by an operator");
		});
	}

	@Test
	void showBlockedShouldDescribeTheMessageTheShardWaitsOnAndSkipShouldMoveIt() {
		BlockedMessage blocked = new BlockedMessage(1, "harmonylite-changes-1", 42, "Books", Operation.INSERT,
				Map.of("id", 9L), 1, "f".repeat(64), "no node in the schema registry has ever reported it",
				EngineStatuses.PAUSED_SINCE);
		OperationResult shown = new SkipBlockedMessageOperation.Show(config(true), this.status::get,
				() -> Map.of(1, blocked)).run("1");
		assertThat(shown.outcome()).isEqualTo(Outcome.UNCHANGED);
		assertThat(shown.message()).contains("message 42 of stream harmonylite-changes-1", "INSERT on table 'Books'",
				"key {id=9}", "schema hash " + "f".repeat(64), "Why: no node in the schema registry",
				"\"action\": \"skip\"");
		assertThat(new SkipBlockedMessageOperation.Show(config(true), this.status::get, Map::of).run("0").message())
			.isEqualTo("Shard 0 waits on no message on node 3");

		OperationResult skipped = new SkipBlockedMessageOperation(config(true), this.status::get,
				(shard) -> this.acted.add(shard)).run("1");
		assertThat(this.acted).containsExactly(1);
		assertThat(skipped.outcome()).isEqualTo(Outcome.DONE);
		assertThat(skipped.action()).isEqualTo("skip");
		assertThat(skipped.message()).contains("moved to the dead-letter stream");
	}

	@Test
	void pauseOfAPausedShardShouldChangeNothing() {
		OperationResult result = new PauseShardOperation(config(true), this.status::get, (shard) -> false).run("1");

		assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
		assertThat(result.message()).isEqualTo("Shard 1 was already paused by an operator on node 3");
	}

	@Test
	void resumeShouldSayWhereTheShardGoesOn() {
		OperationResult result = new ResumeShardOperation(config(true), this.status::get, (shard) -> true).run("1");

		assertThat(result.outcome()).isEqualTo(Outcome.DONE);
		assertThat(result.message()).isEqualTo("Shard 1 resumed on node 3 from sequence 11");
	}

	@Test
	void resumeOfAShardHeldByASchemaMismatchShouldSaySo() {
		this.status.set(EngineStatuses.paused());

		OperationResult result = new ResumeShardOperation(config(true), this.status::get, (shard) -> true).run("1");

		assertThat(result.message()).contains("still held back by a schema mismatch");
	}

	@Test
	void resumeOfAShardNotPausedShouldChangeNothing() {
		OperationResult result = new ResumeShardOperation(config(true), this.status::get, (shard) -> false).run("0");

		assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
		assertThat(result.message()).isEqualTo("Shard 0 is not paused by an operator on node 3; nothing to resume");
	}

	@Test
	void unknownShardShouldBeNotFoundAndNameTheShardsThereAre() {
		PauseShardOperation pause = pause(config(true));

		for (String id : List.of("2", "-1", "first")) {
			OperationResult result = pause.run(id);
			assertThat(result.outcome()).isEqualTo(Outcome.NOT_FOUND);
			assertThat(result.message()).isEqualTo("Node 3 has no shard '" + id
					+ "': harmonylite.replication.shards is 2, so shards are numbered 0 to 1");
		}
		assertThat(this.acted).isEmpty();
	}

	@Test
	void missingShardShouldBeABadRequest() {
		OperationResult result = pause(config(true)).run(null);

		assertThat(result.outcome()).isEqualTo(Outcome.BAD_REQUEST);
		assertThat(result.message()).startsWith("Name the shard: POST /actuator/harmonylite/shards/{shard}");
	}

	@Test
	void nodeThatDoesNotReplicateShouldBeAConflict() {
		OperationResult result = pause(config(false)).run("0");

		assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
		assertThat(result.message()).contains("harmonylite.replicate=false");
		assertThat(this.acted).isEmpty();
	}

	@Test
	void stoppedNodeShouldBeAConflict() {
		this.status.set(EngineStatuses.inState(NodeState.STOPPED));

		OperationResult result = pause(config(true)).run("0");

		assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
		assertThat(result.message()).isEqualTo("Node 3 is not started, so it cannot pause shard 0; start the "
				+ "application's HarmonyLite engine first");
		assertThat(this.acted).isEmpty();
	}

	@Test
	void engineRefusalShouldBeAConflictWithItsMessage() {
		IntPredicate refusing = (shard) -> {
			throw new HarmonyLiteException("Node 3 is not started, so it cannot pause shard 0; start it first");
		};

		OperationResult result = new PauseShardOperation(config(true), this.status::get, refusing).run("0");

		assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
		assertThat(result.message()).endsWith("start it first");
	}

	private PauseShardOperation pause(HarmonyLiteConfig config) {
		return new PauseShardOperation(config, this.status::get, (shard) -> this.acted.add(shard));
	}

	private static HarmonyLiteConfig config(boolean replicate) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		return HarmonyLiteConfig.builder()
			.nodeId(3)
			.dbPath(Path.of("node.db"))
			.replicate(replicate)
			.replication(new ReplicationConfig(2, defaults.streamPrefix(), defaults.subjectPrefix(), 1,
					defaults.maxEntries(), false, false, defaults.publishWindow(), defaults.applyBatchSize()))
			.build();
	}

}
