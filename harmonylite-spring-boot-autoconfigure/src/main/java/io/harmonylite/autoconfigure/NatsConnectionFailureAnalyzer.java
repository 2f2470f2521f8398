package io.harmonylite.autoconfigure;

import io.harmonylite.nats.NatsConnectionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by NATS being unreachable after the configured connection attempts.
 */
class NatsConnectionFailureAnalyzer extends AbstractFailureAnalyzer<NatsConnectionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsConnectionException cause) {
		String description = "HarmonyLite could not connect to NATS.\n\n    Reason: " + cause.getMessage();
		String action = "Check that the servers in harmonylite.nats.urls are running and reachable from this "
				+ "machine, and that the credentials (harmonylite.nats.user and password, token or nkey-seed-file) "
				+ "and TLS (harmonylite.nats.ssl.bundle) match the servers' settings. For servers that start after "
				+ "the application, raise harmonylite.nats.connect-retries or harmonylite.nats.reconnect-wait. "
				+ "Without harmonylite.nats.urls the node starts its own nats-server instead.";
		return new FailureAnalysis(description, action, cause);
	}

}
