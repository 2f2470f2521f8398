package io.harmonylite.node.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A one-shot command of the jar, named by a flag with one or two dashes, as the original tool accepted; a command
 * that takes a value has it after {@code =} or as the next argument.
 */
enum NodeCommand {

	/** Prints the local schema status. */
	SCHEMA_STATUS("schema-status"),

	/** Prints the cluster's schema status from the registry. */
	SCHEMA_STATUS_CLUSTER("schema-status-cluster"),

	/** Removes HarmonyLite's triggers and tables from the database. */
	CLEANUP("cleanup"),

	/** Takes a snapshot of the database and stores it. */
	SAVE_SNAPSHOT("save-snapshot"),

	/** Restores a snapshot (by id, or the newest that fits) into the database. */
	RESTORE_SNAPSHOT("restore-snapshot", true),

	/** Lists the snapshots of the store. */
	LIST_SNAPSHOTS("list-snapshots"),

	/** Lists this node's dead letters (all, of a table, or a range of dead-letter sequences). */
	LIST_DEAD_LETTERS("list-dead-letters", true),

	/** Applies this node's dead letters again (all, of a table, or a range of dead-letter sequences). */
	REAPPLY_DEAD_LETTERS("reapply-dead-letters", true),

	/** Shows the next message of each shard (or of one), and whether it would apply: the message a shard waits on. */
	SHOW_BLOCKED("show-blocked", true),

	/** Moves a shard's next message to the dead letter and the shard's position past it ({@code --force}: even one
	 * that would apply). */
	SKIP_BLOCKED("skip-blocked", true),

	/** Prints the version. */
	VERSION("version"),

	/** Prints how to run the jar. */
	HELP("help");

	private final String flag;

	private final boolean takesValue;

	NodeCommand(String flag) {
		this(flag, false);
	}

	NodeCommand(String flag, boolean takesValue) {
		this.flag = flag;
		this.takesValue = takesValue;
	}

	String flag() {
		return "--" + this.flag;
	}

	private boolean matches(String arg) {
		return arg.equals("--" + this.flag) || arg.equals("-" + this.flag)
				|| (this.takesValue && (arg.startsWith("--" + this.flag + "=") || arg.startsWith("-" + this.flag + "=")));
	}

	/**
	 * The command's optional value: {@code --flag=value}, or the argument after {@code --flag} when it is not an
	 * option.
	 * @param args the command-line arguments
	 * @return the value, or {@code null} when none is given
	 */
	@Nullable String value(String[] args) {
		if (!this.takesValue) {
			return null;
		}
		for (int i = 0; i < args.length; i++) {
			if (matches(args[i])) {
				int equals = args[i].indexOf('=');
				if (equals >= 0) {
					return args[i].substring(equals + 1);
				}
				return (i + 1 < args.length && !args[i + 1].startsWith("-")) ? args[i + 1] : null;
			}
		}
		return null;
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
		List<String> rest = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			if (!matches(args[i])) {
				rest.add(args[i]);
			}
			else if (this.takesValue && !args[i].contains("=") && i + 1 < args.length && !args[i + 1].startsWith("-")) {
				i++;
			}
		}
		return rest.toArray(String[]::new);
	}

}
