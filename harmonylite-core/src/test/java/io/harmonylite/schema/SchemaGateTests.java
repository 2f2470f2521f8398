package io.harmonylite.schema;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import io.harmonylite.schema.SchemaGate.Decision;
import io.harmonylite.schema.SchemaGate.Pause;
import io.harmonylite.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class SchemaGateTests {

	private static final String CURRENT = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

	private static final String PREVIOUS = "1111111122222222333333334444444455555555666666667777777788888888";

	private static final String REMOTE = "9b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0";

	private static final Instant SINCE = Instant.parse("2025-03-01T08:00:00Z");

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(SchemaGate.class);

	@Test
	void currentPreviousAndEmptyHashesShouldBeApplied() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		assertThat(gate.check(CURRENT)).isEqualTo(Decision.APPLY);
		assertThat(gate.check(PREVIOUS)).isEqualTo(Decision.APPLY);
		assertThat(gate.check("")).isEqualTo(Decision.APPLY);
	}

	@Test
	void anyOtherHashShouldBeAMismatch() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		assertThat(gate.check(REMOTE)).isEqualTo(Decision.MISMATCH);
		assertThat(gate.check(CURRENT.toUpperCase())).isEqualTo(Decision.MISMATCH);
	}

	@Test
	void withoutPreviousHashOnlyCurrentAndEmptyShouldBeApplied() {
		SchemaGate gate = new SchemaGate(2, CURRENT, null);
		assertThat(gate.check(CURRENT)).isEqualTo(Decision.APPLY);
		assertThat(gate.check(PREVIOUS)).isEqualTo(Decision.MISMATCH);
		assertThat(gate.check("")).isEqualTo(Decision.APPLY);
	}

	@Test
	void pauseShouldRecordShardAndLogMismatchWithShortHashes() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		assertThat(gate.isPaused()).isFalse();
		assertThat(gate.pause(0, REMOTE, SINCE)).isTrue();
		assertThat(gate.isPaused()).isTrue();
		assertThat(gate.pausedShards()).containsExactly(entry(0, new Pause(REMOTE, SINCE)));
		assertThat(gate.pauseCount()).isOne();
		assertThat(this.logs.events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).isEqualTo("Node 2: schema mismatch detected on shard 0 (local "
					+ "3f2a1b4c, remote 9b1c2d3e); replication of this shard paused. Apply the same migration on this "
					+ "node; it resumes by itself. (When the schemas differ only in the tables replicated, give every "
					+ "node the same harmonylite.tables and harmonylite.ignore-tables.)");
		});
	}

	@Test
	void pausingAPausedShardAgainShouldKeepItsTimeAndNotCountTwice() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		gate.pause(1, REMOTE, SINCE);
		assertThat(gate.pause(1, REMOTE, SINCE.plusSeconds(30))).isFalse();
		assertThat(gate.pausedShards()).containsExactly(entry(1, new Pause(REMOTE, SINCE)));
		assertThat(gate.pauseCount()).isOne();
		assertThat(this.logs.events()).hasSize(1);
	}

	@Test
	void resumeShouldClearShardCountAndLogAtInfo() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		gate.pause(0, REMOTE, SINCE);
		gate.pause(3, REMOTE, SINCE);
		assertThat(gate.resume(0)).isTrue();
		assertThat(gate.resume(0)).isFalse();
		assertThat(gate.pausedShards()).containsOnlyKeys(3);
		assertThat(gate.isPaused()).isTrue();
		assertThat(gate.resumeCount()).isOne();
		assertThat(this.logs.events()).last().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.INFO);
			assertThat(event.getFormattedMessage()).startsWith("Node 2: schema of shard 0 matches again")
				.contains("resumed")
				.contains(SINCE.toString());
		});
	}

	@Test
	void resumeAllShouldClearEveryShard() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		gate.pause(0, REMOTE, SINCE);
		gate.pause(1, REMOTE, SINCE);
		assertThat(gate.resumeAll()).isEqualTo(2);
		assertThat(gate.isPaused()).isFalse();
		assertThat(gate.pausedShards()).isEmpty();
		assertThat(gate.pauseCount()).isEqualTo(2);
		assertThat(gate.resumeCount()).isEqualTo(2);
		assertThat(gate.resumeAll()).isZero();
	}

	@Test
	void updateShouldChangeDecisionsAndNameShardsThatCanResume() {
		SchemaGate gate = new SchemaGate(2, PREVIOUS, null);
		String other = "cccccccc" + CURRENT.substring(8);
		gate.pause(0, CURRENT, SINCE);
		gate.pause(1, other, SINCE);
		assertThat(gate.update(CURRENT, PREVIOUS)).containsExactly(0);
		assertThat(gate.currentHash()).isEqualTo(CURRENT);
		assertThat(gate.previousHash()).isEqualTo(PREVIOUS);
		assertThat(gate.check(CURRENT)).isEqualTo(Decision.APPLY);
		assertThat(gate.check(PREVIOUS)).isEqualTo(Decision.APPLY);
		assertThat(gate.check(other)).isEqualTo(Decision.MISMATCH);
		assertThat(gate.pausedShards()).as("update resumes nothing by itself").containsOnlyKeys(0, 1);
	}

	@Test
	void pausedShardsShouldBeASnapshot() {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		gate.pause(0, REMOTE, SINCE);
		var snapshot = gate.pausedShards();
		gate.resume(0);
		assertThat(snapshot).containsOnlyKeys(0);
	}

	@Test
	void concurrentPausesAndResumesShouldKeepCountsConsistent() throws Exception {
		SchemaGate gate = new SchemaGate(2, CURRENT, PREVIOUS);
		this.logs.logOnlyFrom(Level.ERROR);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = IntStream.range(0, 4).<Future<?>>mapToObj((thread) -> executor.submit(() -> {
				for (int i = 0; i < 500; i++) {
					int shard = thread * 1000 + i;
					gate.pause(shard, REMOTE, SINCE);
					gate.check(REMOTE);
					gate.resume(shard);
				}
			})).toList();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(gate.pauseCount()).isEqualTo(2000);
		assertThat(gate.resumeCount()).isEqualTo(2000);
		assertThat(gate.isPaused()).isFalse();
	}

}
