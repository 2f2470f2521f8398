package io.harmonylite.autoconfigure;

import io.harmonylite.HarmonyLiteException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains any other startup failure of HarmonyLite (a stream it could not create, a database it could not prepare):
 * its message says what failed and what to do, so that it is reported like the failures the other analyzers know,
 * not as a stack trace. Ordered last, after the analyzers of the failures that have a report of their own.
 */
@Order(Ordered.LOWEST_PRECEDENCE)
class HarmonyLiteStartupFailureAnalyzer extends AbstractFailureAnalyzer<HarmonyLiteException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HarmonyLiteException cause) {
		String description = "HarmonyLite could not start.\n\n    Reason: " + cause.getMessage();
		String action = "Do what the reason names. The configuration reference (docs/configuration.md) lists every "
				+ "property, and the operations guide (docs/operations.md) the node's startup and its problems.";
		return new FailureAnalysis(description, action, cause);
	}

}
