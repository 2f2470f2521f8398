package io.harmonylite.autoconfigure;

import io.harmonylite.nats.JetStreamNotReadyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a JetStream that is disabled or not ready (no leader in a cluster).
 */
class JetStreamNotReadyFailureAnalyzer extends AbstractFailureAnalyzer<JetStreamNotReadyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JetStreamNotReadyException cause) {
		String description = "HarmonyLite connected to NATS, but JetStream could not serve it.\n\n    Reason: "
				+ cause.getMessage();
		String action = "Enable JetStream on the NATS servers (nats-server -js, or a jetstream {} block). In a "
				+ "cluster, start a majority of its servers (JetStream elects no leader without them) and check the "
				+ "routes: harmonylite.nats.embedded.cluster-addr and harmonylite.nats.embedded.cluster-peers on "
				+ "every node, and that harmonylite.replication.replicas is not larger than the number of servers.";
		return new FailureAnalysis(description, action, cause);
	}

}
