package io.harmonylite.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.harmonylite.replicate.ReplicationConfig;

/**
 * Runs one-shot commands as the jar does and keeps what the last one printed, for the command tests.
 */
final class CommandOutput {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	/**
	 * Runs a command, forgetting what the previous one printed.
	 * @param args the command line
	 * @return the exit code, empty when the arguments name no command
	 */
	OptionalInt run(String... args) {
		this.out.reset();
		this.err.reset();
		return NodeCommands.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	/**
	 * Runs a command after the arguments that choose the node.
	 * @param nodeArguments the node's arguments, e.g. {@link #nodeArguments}
	 * @param command the command and its arguments
	 * @return the exit code, empty when the arguments name no command
	 */
	OptionalInt run(List<String> nodeArguments, String... command) {
		List<String> args = new ArrayList<>(nodeArguments);
		args.addAll(List.of(command));
		return run(args.toArray(String[]::new));
	}

	/**
	 * The arguments that point a command at a node's database and at a test's streams, as {@link #replication}
	 * describes them.
	 * @param nodeId the node
	 * @param db the node's database
	 * @param natsUrl the nats-server
	 * @param streams the stream prefix; subjects start with {@code <streams>-subject}
	 * @return the arguments, which a test may add to
	 */
	static List<String> nodeArguments(int nodeId, Path db, String natsUrl, String streams) {
		return new ArrayList<>(List.of("--harmonylite.node-id=" + nodeId, "--harmonylite.db-path=" + db,
				"--harmonylite.nats.urls=" + natsUrl, "--harmonylite.replication.stream-prefix=" + streams,
				"--harmonylite.replication.subject-prefix=" + streams + "-subject"));
	}

	/**
	 * The replication settings of a node run with {@link #nodeArguments}: one shard of one replica.
	 * @param streams the stream prefix
	 * @return the settings
	 */
	static ReplicationConfig replication(String streams) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		return new ReplicationConfig(1, streams, streams + "-subject", 1, defaults.maxEntries(), false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
	}

	String stdout() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	String stderr() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
