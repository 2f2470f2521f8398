package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.replicate.PublisherStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EngineCounters}: one count per event, and no count going down when a node stops and another starts.
 */
class EngineCountersTests {

	private final EngineCounters counters = new EngineCounters();

	@Test
	void appliedChangesAndDeadLettersShouldBeCountedOnce() {
		this.counters.applied(event("Books"), Duration.ZERO);
		this.counters.applied(event("Books"), Duration.ZERO);
		this.counters.applied(event("Authors"), Duration.ZERO);
		this.counters.deadLettered(message(1), "bad");

		EngineStatus.Counters snapshot = this.counters.totals();

		assertThat(snapshot.appliedByTable()).containsExactly(Map.entry("Authors", 1L), Map.entry("Books", 2L));
		assertThat(snapshot.deadLetters()).isOne();
		assertThat(this.counters.deadLetters(1)).isOne();
		assertThat(this.counters.deadLetters(0)).isZero();
	}

	@Test
	void countsOfAStoppedNodeShouldBeKeptAndTheNextNodesAdded() {
		PublisherStats first = new PublisherStats();
		this.counters.attach(() -> EngineCounters.RunCounts.of(first, 2, 1, 1, 1));
		this.counters.detach();
		assertThat(this.counters.totals().natsReconnects()).isEqualTo(2);

		this.counters.attach(() -> EngineCounters.RunCounts.of(new PublisherStats(), 1, 0, 0, 0));
		EngineStatus.Counters running = this.counters.totals();

		assertThat(running.natsReconnects()).isEqualTo(3);
		assertThat(running.schemaPauses()).isOne();
		assertThat(running.schemaResumes()).isOne();
		assertThat(running.workerRestarts()).isOne();
		assertThat(running.publishFailures()).isZero();
	}

	@Test
	void detachShouldKeepTheFinalCountsSoNothingDecreases() {
		long[] reconnects = { 1 };
		this.counters.attach(() -> EngineCounters.RunCounts.of(null, reconnects[0], 0, 0, 0));
		reconnects[0] = 4;
		long whileRunning = this.counters.totals().natsReconnects();

		this.counters.detach();

		assertThat(whileRunning).isEqualTo(4);
		assertThat(this.counters.totals().natsReconnects()).isEqualTo(4);
	}

	private static ChangeEvent event(String table) {
		return new ChangeEvent(1, 1, table, Operation.INSERT, Map.of("id", 1L), List.of("id"), 0, "h");
	}

	private static ReceivedMessage message(int shard) {
		return new ReceivedMessage(shard, new StreamPosition("changes-" + shard, 3), new byte[0]);
	}

}
