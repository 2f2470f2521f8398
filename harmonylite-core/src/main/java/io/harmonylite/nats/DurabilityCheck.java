package io.harmonylite.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.harmonylite.nats.embedded.NatsServerVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges whether acknowledgements are durable from what the node knows: the version the connected server reports,
 * its sync setting (from the embedded server's configuration, or read from an external server when permitted), and
 * the streams' replicas.
 */
final class DurabilityCheck {

	private static final Logger logger = LoggerFactory.getLogger(DurabilityCheck.class);

	private final Supplier<@Nullable String> serverVersion;

	private final @Nullable String sync;

	private final int replicas;

	private final Supplier<List<String>> streamProblems;

	/**
	 * Creates a check.
	 * @param serverVersion the version the connected server reports, {@code null} or empty when unknown
	 * @param sync the server's sync setting, {@code null} when unknown
	 * @param replicas the intended replicas of every stream
	 * @param streamProblems the streams found with fewer replicas than intended
	 */
	DurabilityCheck(Supplier<@Nullable String> serverVersion, @Nullable String sync, int replicas,
			Supplier<List<String>> streamProblems) {
		this.serverVersion = serverVersion;
		this.sync = sync;
		this.replicas = replicas;
		this.streamProblems = streamProblems;
	}

	/**
	 * The current judgement.
	 * @return the status
	 */
	DurabilityStatus status() {
		String reported = this.serverVersion.get();
		String version = (reported != null && !reported.isEmpty()) ? reported : null;
		NatsServerVersion parsed = NatsServerVersion.parse(version);
		List<String> problems = new ArrayList<>();
		if (parsed != null && !parsed.supportsSyncAlways()) {
			problems.add("nats-server " + parsed + " acknowledges messages before syncing them to disk (sync_interval "
					+ "needs 2.10 or newer): acknowledged changes can be lost on a power loss");
		}
		else if (this.sync != null && !"always".equals(this.sync)) {
			problems.add("the server syncs to disk every " + this.sync + ", not before each acknowledgement: "
					+ "acknowledged changes can be lost on a power loss (set sync to always)");
		}
		problems.addAll(this.streamProblems.get());
		if (!problems.isEmpty()) {
			return new DurabilityStatus(version, this.sync, this.replicas, false, String.join("; ", problems));
		}
		if (this.sync == null) {
			return new DurabilityStatus(version, null, this.replicas, null, "the servers' sync setting cannot be read "
					+ "(the node's account must import the system account's service " + ServerSyncProbe.VARZ_SUBJECT
					+ "); acknowledgements are durable only if every server runs with jetstream { sync_interval: "
					+ "always }");
		}
		return new DurabilityStatus(version, this.sync, this.replicas, true, null);
	}

	/**
	 * Logs the judgement at startup: INFO when durable, WARN otherwise.
	 * @param nodeId the node's id
	 */
	void log(long nodeId) {
		DurabilityStatus status = status();
		if (Boolean.TRUE.equals(status.durableAcks())) {
			logger.info("Node {}: nats-server {} syncs every write before acknowledging it (sync {}, stream replicas "
					+ "{}): acknowledged changes survive a power loss", nodeId, status.serverVersion(), status.sync(),
					status.replicas());
		}
		else {
			logger.warn("Node {}: acknowledgements are {}durable: {}", nodeId,
					(status.durableAcks() == null) ? "not known to be " : "not ", status.warning());
		}
	}

}
