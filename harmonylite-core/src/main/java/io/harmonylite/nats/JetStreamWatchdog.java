package io.harmonylite.nats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts this node's embedded clustered nats-server when its JetStream keeps answering "temporarily unavailable":
 * nats-server 2.10 can leave a server that restarted while its peers ran outside its cluster's JetStream (routes up,
 * but no contact with the meta leader) for minutes, until it is restarted; meanwhile the node can neither publish nor
 * start its consumers. The same answer comes while a majority of the cluster is down, when a restart does no good:
 * restarts are therefore spaced out, twice as far apart each time ({@link #UNAVAILABLE_FOR} at first, at most
 * {@link #MAX_PAUSE}) until JetStream answers again. A server that does not answer at all (frozen, or down and being
 * restarted by its supervisor) is left alone.
 */
final class JetStreamWatchdog implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(JetStreamWatchdog.class);

	/** How long JetStream must keep answering "unavailable" before the server is restarted. */
	static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(30);

	/** The longest pause between two restarts while JetStream stays unavailable. */
	static final Duration MAX_PAUSE = Duration.ofMinutes(10);

	/** How often JetStream is looked at. */
	static final Duration INTERVAL = Duration.ofSeconds(5);

	/** What a look at JetStream found. */
	enum Look {

		/** JetStream answered a request. */
		ANSWERS,

		/** The server answered that JetStream is temporarily unavailable (no meta leader). */
		UNAVAILABLE,

		/** No answer: the server is frozen, down, or the connection is being re-established. */
		NO_ANSWER

	}

	private final long nodeId;

	private final Supplier<Look> look;

	private final Consumer<String> restartServer;

	private final Clock clock;

	private @Nullable Instant unavailableSince;

	private @Nullable Instant lastRestart;

	private Duration pause = UNAVAILABLE_FOR;

	/**
	 * Creates the watchdog; run it every {@link #INTERVAL}.
	 * @param nodeId this node's id, for the log
	 * @param look looks at JetStream once
	 * @param restartServer restarts the embedded server, given the reason
	 * @param clock the clock
	 */
	JetStreamWatchdog(long nodeId, Supplier<Look> look, Consumer<String> restartServer, Clock clock) {
		this.nodeId = nodeId;
		this.look = look;
		this.restartServer = restartServer;
		this.clock = clock;
	}

	/**
	 * Restarts the server at once for another reason, e.g. stream creation that its cluster's JetStream cannot place
	 * (a server outside the JetStream cluster that forwards its requests to the meta leader is not answered
	 * "unavailable"); the next restart for unavailability then waits the usual pause after this one.
	 * @param reason why, for the log
	 */
	synchronized void restartNow(String reason) {
		this.lastRestart = this.clock.instant();
		this.unavailableSince = null;
		this.restartServer.accept(reason);
	}

	@Override
	public synchronized void run() {
		Look found = this.look.get();
		Instant now = this.clock.instant();
		if (found == Look.ANSWERS) {
			this.unavailableSince = null;
			this.pause = UNAVAILABLE_FOR;
			return;
		}
		if (found == Look.NO_ANSWER) {
			return;
		}
		Instant since = this.unavailableSince;
		if (since == null) {
			this.unavailableSince = now;
			return;
		}
		Duration unavailable = Duration.between(since, now);
		if (unavailable.compareTo(UNAVAILABLE_FOR) < 0
				|| (this.lastRestart != null && Duration.between(this.lastRestart, now).compareTo(this.pause) < 0)) {
			return;
		}
		if (this.lastRestart != null) {
			this.pause = (this.pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0) ? MAX_PAUSE : this.pause.multipliedBy(2);
		}
		this.lastRestart = now;
		this.unavailableSince = null;
		logger.debug("Node {}: next restart for JetStream's unavailability not before {}", this.nodeId,
				now.plus(this.pause));
		this.restartServer.accept("its JetStream has answered \"temporarily unavailable\" for "
				+ unavailable.toSeconds() + " s: the server may be outside its cluster's JetStream, which a restart "
				+ "ends; if a majority of the cluster's servers is down or unreachable instead, check the other nodes "
				+ "(restarted again at most every " + this.pause.toSeconds() + " s while this lasts)");
	}

}
