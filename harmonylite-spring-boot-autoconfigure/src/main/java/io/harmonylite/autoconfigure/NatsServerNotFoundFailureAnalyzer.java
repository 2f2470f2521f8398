package io.harmonylite.autoconfigure;

import io.harmonylite.nats.embedded.NatsServerNotFoundException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a missing {@code nats-server} executable in the embedded mode.
 */
class NatsServerNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<NatsServerNotFoundException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NatsServerNotFoundException cause) {
		String description = "HarmonyLite could not start its embedded nats-server: no nats-server executable was "
				+ "found.\n\n    Reason: " + cause.getMessage();
		String action = "Install nats-server 2.9 or newer (Debian and Ubuntu: 'sudo apt-get install nats-server'; "
				+ "otherwise https://github.com/nats-io/nats-server/releases), or set harmonylite.nats.embedded.binary "
				+ "to its path, or set harmonylite.nats.urls to connect to NATS servers you run instead.";
		return new FailureAnalysis(description, action, cause);
	}

}
