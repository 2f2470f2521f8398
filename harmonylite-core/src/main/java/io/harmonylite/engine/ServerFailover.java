package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Moves the node's connection to another server when the one it is connected to is cut off from its cluster: the
 * connection stays up (the server itself answers) while JetStream has not answered for {@link #AFTER}, which a
 * server on the minority side of a partition does; the client would never leave it by itself. Moves are spaced out,
 * twice as far apart each time up to {@link #MAX_PAUSE}, until JetStream answers again (a whole cluster without
 * quorum is no better elsewhere). Run it after each refresh of the stream states.
 */
final class ServerFailover implements Runnable {

	/** How long JetStream must be silent on a live connection before the node moves. */
	static final Duration AFTER = Duration.ofSeconds(15);

	/** The longest pause between two moves while JetStream stays silent. */
	static final Duration MAX_PAUSE = Duration.ofMinutes(2);

	private final StreamStateCache streams;

	private final BooleanSupplier connected;

	private final Consumer<String> moveElsewhere;

	private final Clock clock;

	private @Nullable Instant lastMove;

	private Duration pause = AFTER;

	/**
	 * Creates the failover.
	 * @param streams the streams' states, which tell when JetStream last answered
	 * @param connected whether the connection is up
	 * @param moveElsewhere reconnects to another server, given the reason; does nothing without another one
	 * @param clock the clock
	 */
	ServerFailover(StreamStateCache streams, BooleanSupplier connected, Consumer<String> moveElsewhere, Clock clock) {
		this.streams = streams;
		this.connected = connected;
		this.moveElsewhere = moveElsewhere;
		this.clock = clock;
	}

	@Override
	public void run() {
		Instant now = this.clock.instant();
		if (this.streams.answering(now)) {
			this.lastMove = null;
			this.pause = AFTER;
			return;
		}
		Duration silent = Duration.between(this.streams.lastAnswer(), now);
		if (!this.connected.getAsBoolean() || silent.compareTo(AFTER) < 0
				|| (this.lastMove != null && Duration.between(this.lastMove, now).compareTo(this.pause) < 0)) {
			return;
		}
		if (this.lastMove != null) {
			this.pause = (this.pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0) ? MAX_PAUSE : this.pause.multipliedBy(2);
		}
		this.lastMove = now;
		this.moveElsewhere.accept("JetStream has not answered for " + silent.toSeconds() + " s while the connection "
				+ "is up: the server is cut off from its cluster (last: " + this.streams.lastFailure() + ")");
	}

}
