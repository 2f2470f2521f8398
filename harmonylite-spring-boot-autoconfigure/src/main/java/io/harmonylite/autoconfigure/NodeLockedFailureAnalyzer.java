package io.harmonylite.autoconfigure;

import io.harmonylite.engine.NodeLockedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by another node running on the application's database file.
 */
class NodeLockedFailureAnalyzer extends AbstractFailureAnalyzer<NodeLockedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodeLockedException cause) {
		String holder = (cause.holder() != null) ? "node " + cause.holder()
				: "another process (its lock file does not say which node)";
		String description = "HarmonyLite could not start: another node is already running on its database file."
				+ "\n\n    Database: " + cause.dbPath() + "\n    Held by: "
				+ holder + "\n    Lock file: " + cause.lockFile();
		String action = "Two nodes must never run on one database file. Stop the node running on " + cause.dbPath()
				+ " first, or give this application its own database file: set spring.datasource.url (or "
				+ "harmonylite.db-path) to a file no other node uses.";
		return new FailureAnalysis(description, action, cause);
	}

}
