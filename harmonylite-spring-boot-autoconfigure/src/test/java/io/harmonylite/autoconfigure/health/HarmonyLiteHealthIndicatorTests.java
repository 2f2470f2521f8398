package io.harmonylite.autoconfigure.health;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.NodeState;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteHealthIndicator}.
 */
class HarmonyLiteHealthIndicatorTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@CsvSource({ "RUNNING, UP", "RESTORING, RESTORING", "PAUSED_MANUALLY, PAUSED", "PAUSED_SCHEMA_MISMATCH, PAUSED",
			"WAITING_FOR_SNAPSHOT, PAUSED", "DISCONNECTED, DEGRADED", "STREAM_GAP, DOWN", "WORKER_FAILED, DOWN",
			"CAPTURE_BROKEN, DOWN", "STOPPED, OUT_OF_SERVICE" })
	void healthShouldMapNodeStateToStatus(NodeState state, String status) {
		Health health = new HarmonyLiteHealthIndicator(() -> EngineStatuses.inState(state)).health(true);

		assertThat(health.getStatus().getCode()).isEqualTo(status);
		assertThat(health.getDetails()).containsEntry("state", state.name());
	}

	@Test
	void everyNodeStateShouldHaveAStatus() {
		for (NodeState state : NodeState.values()) {
			assertThat(HarmonyLiteHealthIndicator.status(state)).isNotEqualTo(Status.UNKNOWN);
		}
	}

	@Test
	void shardPausedByAnOperatorShouldSaySoInStatusAndDetails() {
		Health health = new HarmonyLiteHealthIndicator(EngineStatuses::pausedManually).health(true);

		assertThat(health.getStatus()).isEqualTo(HarmonyLiteHealthIndicator.PAUSED);
		assertThat(health.getStatus().getDescription()).contains("paused by an operator");
		assertThat(health.getDetails().get("shards")).asInstanceOf(
				org.assertj.core.api.InstanceOfAssertFactories.LIST).first()
			.as("paused, as the endpoint says it")
			.isEqualTo(Map.of("shard", 0, "stream", "harmonylite-changes-0", "lag", 5L, "paused", true,
					"pausedManually", true));
	}

	@Test
	void healthShouldIncludeNodeNatsPendingAndShardLag() {
		Health health = new HarmonyLiteHealthIndicator(EngineStatuses::running).health(true);

		assertThat(health.getDetails()).containsEntry("nodeId", 3L)
			.containsEntry("natsConnected", true)
			.containsEntry("pendingChanges", 7L)
			.containsEntry("failedChanges", 1L)
			.containsEntry("shards", List.of(
					Map.of("shard", 0, "stream", "harmonylite-changes-0", "lag", 0L, "paused", false),
					Map.of("shard", 1, "stream", "harmonylite-changes-1", "lag", 5L, "paused", false,
							"deadLettered", 3L)));
	}

	@Test
	void healthWhileTheEmbeddedServerIsDownShouldBeDownAndSaySo() {
		EngineStatus disconnected = EngineStatuses.inState(NodeState.DISCONNECTED);
		EngineStatus.Nats nats = disconnected.nats();
		EngineStatus serverDown = new EngineStatus(disconnected.nodeId(), disconnected.version(), disconnected.state(),
				true, true, new EngineStatus.Nats(true, nats.servers(), false, 0, "DOWN", null, null, 1, null, null),
				disconnected.shards(), 7, 0, List.of("Books"), disconnected.schema(), disconnected.workers(),
				disconnected.counters());

		Health health = new HarmonyLiteHealthIndicator(() -> serverDown).health(true);

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("embeddedServer", "DOWN").containsEntry("state", "DISCONNECTED");
	}

	@Test
	void healthOfADegradedNodeShouldNameWhatIsWrongInTheDescriptionAndDetails() {
		Health health = new HarmonyLiteHealthIndicator(
				() -> EngineStatuses.withProblems(NodeState.DEGRADED, EngineStatuses.unacknowledgedBooks()))
			.health(true);

		assertThat(health.getStatus()).isEqualTo(HarmonyLiteHealthIndicator.DEGRADED);
		assertThat(health.getStatus().getDescription())
			.isEqualTo("table Books: 7 change(s) wait for JetStream's acknowledgement");
		assertThat(health.getDetails().get("problems")).asString()
			.contains("kind=CHANGES_UNACKNOWLEDGED", "severity=DEGRADED", "subject=table Books");
	}

	@Test
	void problemOfSeverityDownShouldMakeTheHealthDown() {
		EngineStatus.Problem dead = new EngineStatus.Problem(EngineStatus.ProblemKind.WORKER_DEAD,
				EngineStatus.Severity.DOWN, "worker apply", "died (OutOfMemoryError); restarted in 20 ms", null);

		Health health = new HarmonyLiteHealthIndicator(() -> EngineStatuses.withProblems(NodeState.DEGRADED, dead,
				EngineStatuses.unacknowledgedBooks()))
			.health(true);

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getStatus().getDescription()).startsWith("worker apply: died").contains("table Books");
	}

	@Test
	void changesThatCanNeverBePublishedShouldDegradeHealthNamingTableAndKey() {
		EngineStatus failed = EngineStatuses.inState(NodeState.PUBLISH_FAILED);
		EngineStatus.FailedChange change = new EngineStatus.FailedChange(12, "covers", "[7]",
				"Encoded change is 140000000 bytes but a change may have at most 134216704 bytes");
		EngineStatus withDetails = new EngineStatus(failed.nodeId(), failed.version(), failed.state(), true, true,
				failed.nats(), failed.shards(), 0, 1, List.of("covers"), failed.schema(), failed.workers(),
				failed.counters(), null, List.of(change));

		Health health = new HarmonyLiteHealthIndicator(() -> withDetails).health(true);

		assertThat(health.getStatus()).isEqualTo(HarmonyLiteHealthIndicator.DEGRADED);
		assertThat(health.getStatus().getDescription()).contains("can never be published");
		assertThat(health.getDetails()).containsEntry("failedChanges", 1L)
			.containsEntry("recentFailedChanges", List.of(change));
	}

	@Test
	void healthWithStreamGapShouldNameTheGap() {
		Health health = new HarmonyLiteHealthIndicator(() -> EngineStatuses.inState(NodeState.STREAM_GAP))
			.health(true);

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("shards")).asString().contains("sequences 41 to 99 were dropped");
	}

	@Test
	void healthWithADeadWorkerShouldNameItAndWhy() {
		Health health = new HarmonyLiteHealthIndicator(() -> EngineStatuses.inState(NodeState.WORKER_FAILED))
			.health(true);

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("deadWorkers", List.of(Map.of("worker", "apply", "failure",
				"java.lang.OutOfMemoryError: Java heap space", "restarts", 0L)));
	}

	@Test
	void staleSnapshotShouldMakeAHealthyNodeDegradedAndSayWhy() {
		Instant old = Instant.now().minus(Duration.ofHours(3));
		Health health = new HarmonyLiteHealthIndicator(() -> EngineStatuses.withSnapshots(EngineStatuses.running(),
				EngineStatuses.snapshots(old, true), 0, 0)).health(true);

		assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
		assertThat(health.getStatus().getDescription()).contains("harmonylite.snapshot.stale-after");
		assertThat(health.getDetails().get("snapshots")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("stale", true)
			.containsEntry("newest", "20250101T100000000Z-n1-abcdef")
			.containsEntry("staleAfter", "PT2H")
			.hasEntrySatisfying("newestAge", (age) -> assertThat(age).asString().startsWith("108"));
	}

	@Test
	void freshSnapshotShouldLeaveAHealthyNodeUpAndAStaleOneShouldNotHideWorseStates() {
		Health fresh = new HarmonyLiteHealthIndicator(() -> EngineStatuses.withSnapshots(EngineStatuses.running(),
				EngineStatuses.snapshots(Instant.now(), false), 0, 0)).health(true);
		Health pausedAndStale = new HarmonyLiteHealthIndicator(() -> EngineStatuses.withSnapshots(
				EngineStatuses.paused(), EngineStatuses.snapshots(Instant.EPOCH, true), 0, 0)).health(true);

		assertThat(fresh.getStatus()).isEqualTo(Status.UP);
		assertThat(pausedAndStale.getStatus()).isEqualTo(HarmonyLiteHealthIndicator.PAUSED);
	}

	@Test
	void healthOfARunningNodeShouldNotListDeadWorkers() {
		Health health = new HarmonyLiteHealthIndicator(EngineStatuses::running).health(true);

		assertThat(health.getDetails()).doesNotContainKey("deadWorkers");
	}

	@Test
	void healthWithoutDetailsShouldOnlyHaveStatus() {
		Health health = new HarmonyLiteHealthIndicator(EngineStatuses::paused).health(false);

		assertThat(health.getStatus()).isEqualTo(HarmonyLiteHealthIndicator.PAUSED);
		assertThat(health.getDetails()).isEmpty();
	}

	@Test
	void healthOfUnstartedEngineShouldBeOutOfService() {
		Health health = new HarmonyLiteHealthIndicator(EngineStatuses.unstartedEngine(this.dir)).health(true);

		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void customStatusesShouldNotChangeDefaultAggregateStatus() {
		// Documented in docs/operations.md: PAUSED and DEGRADED leave the overall status alone unless ordered.
		SimpleStatusAggregator defaults = new SimpleStatusAggregator();
		SimpleStatusAggregator ordered = new SimpleStatusAggregator("DOWN", "OUT_OF_SERVICE", "PAUSED", "DEGRADED",
				"UP", "UNKNOWN");

		assertThat(defaults.getAggregateStatus(java.util.Set.of(Status.UP, HarmonyLiteHealthIndicator.PAUSED)))
			.isEqualTo(Status.UP);
		assertThat(ordered.getAggregateStatus(java.util.Set.of(Status.UP, HarmonyLiteHealthIndicator.PAUSED)))
			.isEqualTo(HarmonyLiteHealthIndicator.PAUSED);
	}

}
