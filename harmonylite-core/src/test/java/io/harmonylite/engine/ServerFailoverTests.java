package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.harmonylite.apply.InMemoryShardSource;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServerFailover}: a live connection to a server whose JetStream stays silent (cut off from its cluster) is
 * moved to another server, spaced out while the silence lasts, and never while JetStream answers or the connection is
 * down (the client reconnects by itself then).
 */
class ServerFailoverTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));

	private final InMemoryShardSource shard = new InMemoryShardSource(0).holding(1, 10, "s0");

	private final StreamStateCache streams = new StreamStateCache(1, List.of(this.shard), this.clock, () -> {
	});

	private final AtomicBoolean connected = new AtomicBoolean(true);

	private final List<String> moves = new CopyOnWriteArrayList<>();

	private final ServerFailover failover = new ServerFailover(this.streams, this.connected::get, this.moves::add,
			this.clock);

	@Test
	void connectionToAServerWhoseJetStreamStaysSilentShouldMoveSpacedOutUntilItAnswers() {
		this.shard.failing(new IllegalStateException("stream leader has not heard from a majority"));
		runAfter(ServerFailover.AFTER.minusSeconds(1));
		assertThat(this.moves).as("within the wait").isEmpty();

		runAfter(Duration.ofSeconds(1));
		assertThat(this.moves).singleElement()
			.satisfies((reason) -> assertThat(reason).contains("has not answered for 15 s", "cut off",
					"has not heard from a majority"));

		runAfter(ServerFailover.AFTER.minusSeconds(1));
		assertThat(this.moves).as("spaced out").hasSize(1);
		runAfter(Duration.ofSeconds(1));
		assertThat(this.moves).hasSize(2);
		runAfter(ServerFailover.AFTER.multipliedBy(2).minusSeconds(1));
		assertThat(this.moves).as("twice as far apart").hasSize(2);
		runAfter(Duration.ofSeconds(1));
		assertThat(this.moves).hasSize(3);

		this.shard.failing(null);
		runAfter(Duration.ofSeconds(1));
		this.shard.failing(new IllegalStateException("silent again"));
		runAfter(ServerFailover.AFTER.plusSeconds(1));
		assertThat(this.moves).as("the first wait again once it answered").hasSize(4);
	}

	@Test
	void connectionThatIsDownOrJetStreamThatAnswersShouldNeverMove() {
		runAfter(Duration.ofMinutes(5));
		assertThat(this.moves).isEmpty();

		this.connected.set(false);
		this.shard.failing(new IllegalStateException("disconnected"));
		runAfter(Duration.ofMinutes(5));
		assertThat(this.moves).as("the client reconnects by itself").isEmpty();
	}

	private void runAfter(Duration duration) {
		this.clock.move(duration);
		this.streams.refresh();
		this.failover.run();
	}

}
