package io.harmonylite.node.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A one-shot command of the jar, named by a flag with one or two dashes, as the original tool accepted.
 */
enum NodeCommand {

	/** Prints the local schema status. */
	SCHEMA_STATUS("schema-status"),

	/** Prints the cluster's schema status from the registry. */
	SCHEMA_STATUS_CLUSTER("schema-status-cluster"),

	/** Removes HarmonyLite's triggers and tables from the database. */
	CLEANUP("cleanup"),

	/** Prints the version. */
	VERSION("version");

	private final String flag;

	NodeCommand(String flag) {
		this.flag = flag;
	}

	String flag() {
		return "--" + this.flag;
	}

	private boolean matches(String arg) {
		return arg.equals("--" + this.flag) || arg.equals("-" + this.flag);
	}

	/**
	 * The command named in the arguments.
	 * @param args the command-line arguments
	 * @return the command, or empty when none is named
	 * @throws IllegalArgumentException if several are named
	 */
	static Optional<NodeCommand> find(String[] args) {
		List<NodeCommand> found = Arrays.stream(values())
			.filter((command) -> Arrays.stream(args).anyMatch(command::matches))
			.toList();
		if (found.size() > 1) {
			throw new IllegalArgumentException("Give one command at a time, not " + found.stream().map(NodeCommand::flag).toList());
		}
		return found.stream().findFirst();
	}

	/**
	 * The arguments without this command's flag: the Spring properties that configure the node.
	 * @param args the command-line arguments
	 * @return the other arguments
	 */
	String[] remove(String[] args) {
		return Arrays.stream(args).filter((arg) -> !matches(arg)).toArray(String[]::new);
	}

}
