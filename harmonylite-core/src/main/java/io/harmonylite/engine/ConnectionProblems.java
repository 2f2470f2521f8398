package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * The node's problems with NATS: its embedded nats-server being restarted ({@code DOWN}), its connection lost, or a
 * connection whose JetStream has stopped answering, as a server cut off from a quorum of its cluster (or frozen) does
 * ({@code DEGRADED}).
 */
final class ConnectionProblems implements ProblemSource {

	/** The embedded server's state while it is being restarted. */
	private static final String SERVER_DOWN = "DOWN";

	private final HarmonyLiteConfig config;

	private final ConnectionState connection;

	private final StreamStateCache streams;

	private final Clock clock;

	/**
	 * Creates the source.
	 * @param config the node's configuration, for the servers and the reconnect wait
	 * @param connection the connection
	 * @param streams the streams' states read in the background, which tell whether JetStream answers
	 * @param clock the clock
	 */
	ConnectionProblems(HarmonyLiteConfig config, ConnectionState connection, StreamStateCache streams, Clock clock) {
		this.config = config;
		this.connection = connection;
		this.streams = streams;
		this.clock = clock;
	}

	/**
	 * Whether the node reaches JetStream: connected, and answered within {@link StreamStateCache#SILENCE}.
	 * @return {@code false} while the node can neither send nor receive changes
	 */
	boolean reachable() {
		return this.connection.connected() && this.streams.answering(this.clock.instant());
	}

	@Override
	public List<Problem> problems() {
		List<Problem> problems = new ArrayList<>();
		Instant lastAnswer = this.streams.lastAnswer();
		if (SERVER_DOWN.equals(this.connection.server().embeddedServer())) {
			problems.add(new Problem(ProblemKind.SERVER_DOWN, Severity.DOWN, "server " + servers(),
					"the embedded nats-server exited unexpectedly and is being restarted (its log is in "
							+ "harmonylite.nats.embedded.store-dir); local changes are kept and sent once it runs",
					lastAnswer));
		}
		Instant now = this.clock.instant();
		if (!this.connection.connected()) {
			problems.add(new Problem(ProblemKind.NATS_UNREACHABLE, Severity.DEGRADED, "server " + servers(),
					"the connection to NATS is lost; the client reconnects every "
							+ this.config.nats().reconnectWait().toMillis() + " ms, local changes are kept and sent "
							+ "afterwards. Check that the servers run and are reachable",
					lastAnswer));
		}
		else if (!this.streams.answering(now)) {
			problems.add(new Problem(ProblemKind.NATS_UNREACHABLE, Severity.DEGRADED, "server " + servers(),
					"JetStream has not answered for " + Duration.between(lastAnswer, now).toSeconds() + " s (last: "
							+ this.streams.lastFailure() + "): the server is cut off from a majority of its cluster, "
							+ "or frozen. Local changes are kept and sent once it answers; check the network between "
							+ "the servers and their logs",
					lastAnswer));
		}
		Set<String> missing = this.streams.missingStreams();
		if (!missing.isEmpty()) {
			problems.add(new Problem(ProblemKind.STREAM_MISSING, Severity.DOWN, "stream " + String.join(", ", missing),
					"JetStream answers but has no such stream: its servers lost their JetStream data (a store "
							+ "emptied, deleted or on a new disk) or the stream was deleted. Nothing of these shards is "
							+ "sent or received; local changes are kept. Restart the nodes: they create the streams "
							+ "again, then wait at the re-created stream (see \"Every node waits, at a re-created "
							+ "stream\" in docs/operations.md)",
					null));
		}
		return problems;
	}

	private String servers() {
		String url = this.connection.connectedUrl();
		return (url != null) ? url : String.join(", ", this.config.nats().isEmbedded() ? List.of("(embedded)")
				: this.config.nats().urls());
	}

}
