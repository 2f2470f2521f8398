package io.harmonylite.autoconfigure;

import io.harmonylite.nats.embedded.NatsPortInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by the embedded nats-server's client port being taken.
 */
class NatsPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<NatsPortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsPortInUseException cause) {
		String description = "HarmonyLite could not start its embedded nats-server: client port " + cause.port()
				+ " on " + cause.host() + " is already in use.";
		String action = "Identify and stop the process listening on port " + cause.port() + " (another node's "
				+ "nats-server, or one left over from a previous run?), or set harmonylite.nats.embedded.port to a "
				+ "free port (0 picks a free one at every start). Nodes on one machine each need their own port.";
		return new FailureAnalysis(description, action, cause);
	}

}
