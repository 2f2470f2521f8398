package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.apply.InMemoryShardSource;
import io.harmonylite.apply.MissingStreamException;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamStateCache} and the {@link ConnectionProblems} it feeds: states read in the background, a
 * JetStream silent for longer than {@link StreamStateCache#SILENCE} reported as unreachable although the connection
 * is up, and the callback when it answers again.
 */
class StreamStateCacheTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));

	private final InMemoryShardSource shard = new InMemoryShardSource(0).holding(1, 10, "s0");

	private final AtomicInteger answeringAgain = new AtomicInteger();

	private final StreamStateCache cache = new StreamStateCache(1, List.of(this.shard), this.clock,
			this.answeringAgain::incrementAndGet);

	@Test
	void refreshShouldKeepTheLastStateRead() {
		this.cache.refresh();
		this.shard.failing(new HarmonyLiteException("timeout"));
		this.clock.move(Duration.ofSeconds(1));
		this.cache.refresh();

		assertThat(this.cache.read(0)).isNotNull().satisfies((read) -> {
			assertThat(read.state().lastSequence()).isEqualTo(10);
			assertThat(read.at()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
		});
	}

	@Test
	void silentJetStreamShouldBeUnreachableAfterTheSilenceAndTellWhenItAnswersAgain() {
		this.cache.refresh();
		this.shard.failing(new HarmonyLiteException("timeout"));
		this.clock.move(StreamStateCache.SILENCE);
		this.cache.refresh();
		assertThat(this.cache.answering(this.clock.instant())).as("within the silence").isTrue();

		this.clock.move(Duration.ofSeconds(1));
		this.cache.refresh();

		assertThat(this.cache.answering(this.clock.instant())).isFalse();
		assertThat(this.cache.lastFailure()).contains("timeout");
		assertThat(this.answeringAgain).hasValue(0);

		this.shard.failing(null);
		this.cache.refresh();

		assertThat(this.cache.answering(this.clock.instant())).isTrue();
		assertThat(this.answeringAgain).hasValue(1);
	}

	@Test
	void streamThatJetStreamSaysItDoesNotHaveShouldBeReportedMissingNotUnreachable() {
		ConnectionProblems problems = connectedProblems();
		this.cache.refresh();
		this.shard.failing(new MissingStreamException("JetStream has no stream changes-0 (stream not found [10059])", null));
		this.clock.move(Duration.ofSeconds(60));
		this.cache.refresh();

		assertThat(problems.reachable()).as("JetStream answered").isTrue();
		assertThat(this.cache.read(0)).as("its last state no longer holds").isNull();
		assertThat(problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.STREAM_MISSING);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.subject()).isEqualTo("stream changes-0");
			assertThat(problem.reason()).contains("lost their JetStream data", "Restart the nodes",
					"re-created stream");
		});

		assertThat(this.answeringAgain).hasValue(0);

		// Created again, by a node's restart: the consumers are told to check it against their positions.
		this.shard.failing(null);
		this.cache.refresh();

		assertThat(problems.problems()).isEmpty();
		assertThat(this.answeringAgain).hasValue(1);
	}

	@Test
	void connectedNodeWhoseJetStreamIsSilentShouldReportNatsUnreachable() {
		ConnectionProblems problems = connectedProblems();
		this.cache.refresh();
		assertThat(problems.problems()).isEmpty();

		this.shard.failing(new HarmonyLiteException("timeout"));
		this.clock.move(Duration.ofSeconds(6));
		this.cache.refresh();

		assertThat(problems.reachable()).isFalse();
		assertThat(problems.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.NATS_UNREACHABLE);
			assertThat(problem.reason()).contains("JetStream has not answered for 6 s", "timeout");
		});
	}

	private ConnectionProblems connectedProblems() {
		HarmonyLiteConfig config = HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(Path.of("node.db"))
			.nats(NatsConfig.external("nats://a:4222"))
			.build();
		return new ConnectionProblems(config, new ConnectionState() {

			@Override
			public boolean connected() {
				return true;
			}

			@Override
			public String connectedUrl() {
				return "nats://a:4222";
			}

		}, this.cache, this.clock);
	}

}
