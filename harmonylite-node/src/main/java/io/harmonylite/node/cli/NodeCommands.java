package io.harmonylite.node.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.capture.CaptureRemoval;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.NodeLock;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the node's one-shot commands, answered from the database and the schema registry without starting
 * replication: {@code --schema-status} (exit 0), {@code --schema-status-cluster} (0 consistent, 2 inconsistent, 3
 * NATS unreachable), {@code --cleanup} (exit 0), {@code --list-snapshots} and {@code --save-snapshot} (exit 0),
 * {@code --restore-snapshot [id]} (0 restored, 2 no snapshot fits), {@code --list-dead-letters [table|from-to]} (exit
 * 0), {@code --reapply-dead-letters [table|from-to]} (0 all re-applied, 2 some still fail), {@code --show-blocked
 * [shard]} (0 every shard's next message would apply, 2 some would not), {@code --skip-blocked <shard> [--force]}
 * (0 skipped, 2 refused) and {@code --version} (exit 0). A bad
 * configuration, or a store or NATS that cannot be reached, exits with 1.
 * <p>
 * The node's configuration comes from the same sources as a running node's (application.yml, profiles,
 * {@code spring.config.additional-location}, command-line properties, environment).
 *
 * @since 0.1.0
 */
public final class NodeCommands {

	/** Exit code of a command that could not run, e.g. because of a bad configuration. */
	public static final int FAILED = 1;

	private NodeCommands() {
	}

	/**
	 * Runs the command named in the arguments, if any.
	 * @param args the command-line arguments
	 * @param out where the command prints its result
	 * @param err where errors are printed
	 * @return the exit code, or empty when the arguments name no command (the node should start)
	 */
	public static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
		Optional<NodeCommand> command;
		try {
			LauncherFlags.refuse(args);
			LauncherFlags.refuseRepeated(args);
			command = NodeCommand.find(args);
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return OptionalInt.of(FAILED);
		}
		if (command.isEmpty()) {
			return OptionalInt.empty();
		}
		try {
			String[] rest = command.get().remove(args);
			boolean force = command.get() == NodeCommand.SKIP_BLOCKED && Arrays.asList(rest).contains(BlockedCommands.FORCE);
			if (force) {
				rest = Arrays.stream(rest).filter((arg) -> !arg.equals(BlockedCommands.FORCE)).toArray(String[]::new);
			}
			return OptionalInt.of(run(command.get(), rest, command.get().value(args), force, out));
		}
		catch (HarmonyLiteException ex) {
			err.println(command.get().flag() + " failed: " + ex.getMessage());
			return OptionalInt.of(FAILED);
		}
	}

	private static int run(NodeCommand command, String[] args, @Nullable String value, boolean force,
			PrintStream out) {
		return switch (command) {
			case VERSION -> printVersion(out);
			case HELP -> printHelp(out);
			case SCHEMA_STATUS -> printLocal(loadConfig(args), out);
			case SCHEMA_STATUS_CLUSTER -> printCluster(loadConfig(args), out);
			case CLEANUP -> cleanup(loadConfig(args), out);
			case LIST_SNAPSHOTS -> SnapshotCommands.list(loadConfig(args), out);
			case SAVE_SNAPSHOT -> SnapshotCommands.save(requireDatabase(loadConfig(args)), out);
			case RESTORE_SNAPSHOT -> SnapshotCommands.restore(requireDatabase(loadConfig(args)), value, out);
			case LIST_DEAD_LETTERS -> DeadLetterCommands.list(requireDatabase(loadConfig(args)), value, out);
			case REAPPLY_DEAD_LETTERS -> DeadLetterCommands.reapply(requireDatabase(loadConfig(args)), value, out);
			case SHOW_BLOCKED -> BlockedCommands.show(requireDatabase(loadConfig(args)), value, out);
			case SKIP_BLOCKED -> BlockedCommands.skip(requireDatabase(loadConfig(args)), value, force, out);
		};
	}

	private static int printVersion(PrintStream out) {
		out.println("HarmonyLite " + HarmonyLiteVersion.current());
		return 0;
	}

	private static int printHelp(PrintStream out) {
		out.println("Usage: java -jar harmonylite.jar --harmonylite.node-id=N --harmonylite.db-path=FILE "
				+ "[--spring.config.additional-location=file:/path/node.yml] [--name=value ...] [COMMAND]");
		out.println();
		out.println("Runs the standalone HarmonyLite node, or one command and exits. Settings are Spring properties "
				+ "(docs/configuration.md). The ./harmonylite launcher takes the original tool's flags (--config, "
				+ "--node-id, --db-path, --cluster-addr, --cluster-peers) and says more: ./harmonylite --help.");
		out.println();
		out.println("Commands:");
		for (NodeCommand command : NodeCommand.values()) {
			out.println("  " + command.flag());
		}
		return 0;
	}

	private static int printLocal(HarmonyLiteConfig config, PrintStream out) {
		requireDatabase(config);
		int code = SchemaStatusCommands.printLocal(config, out);
		out.println();
		return code;
	}

	private static int printCluster(HarmonyLiteConfig config, PrintStream out) {
		int code = SchemaStatusCommands.printCluster(config, out);
		out.println();
		return code;
	}

	/**
	 * Binds the node's configuration the way a running node does, without starting anything.
	 * @param args the Spring properties, such as {@code --harmonylite.node-id=1}
	 * @return the validated configuration
	 * @throws ConfigException if a property is missing or invalid
	 */
	static HarmonyLiteConfig loadConfig(String[] args) {
		SpringApplication application = new SpringApplication(CommandContext.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		// The command's output is the point: keep the framework's INFO lines out of it.
		application.setDefaultProperties(Map.of("logging.level.root", "WARN"));
		application.addInitializers((context) -> {
			// Logging is configured by now: from here on, also when the configuration is refused (Spring's failure
			// report), standard output holds only the command's result.
			ConsoleLogs.toStandardError();
			// First, so that it wins over any configuration: a command builds the engine and never starts it.
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("harmonyliteCommand", Map.of("harmonylite.auto-startup", false)));
		});
		ConfigurableApplicationContext context;
		try {
			context = application.run(args);
		}
		catch (RuntimeException ex) {
			throw asHarmonyLiteException(ex);
		}
		HarmonyLiteConfig config;
		try (context) {
			HarmonyLiteEngine engine = context.getBeanProvider(HarmonyLiteEngine.class).getIfAvailable();
			if (engine == null) {
				throw new ConfigException("harmonylite.db-path",
						"is required: set it to the node's SQLite file (--db-path FILE), and check that "
								+ "harmonylite.enabled is not false");
			}
			config = engine.config();
		}
		return config;
	}

	private static HarmonyLiteException asHarmonyLiteException(RuntimeException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof HarmonyLiteException harmonyLite) {
				return harmonyLite;
			}
		}
		return new HarmonyLiteException("Could not read the node's configuration: " + ex.getMessage(), ex);
	}

	private static HarmonyLiteConfig requireDatabase(HarmonyLiteConfig config) {
		if (!Files.isRegularFile(config.dbPath())) {
			throw new ConfigException("harmonylite.db-path",
					"names no database file: " + config.dbPath() + " does not exist; check --db-path");
		}
		return config;
	}

	private static int cleanup(HarmonyLiteConfig config, PrintStream out) {
		requireDatabase(config);
		// A running node would keep its positions in memory and reinstall its triggers: refused while one runs.
		try (NodeLock held = NodeLock.acquire(config.dbPath(), config.nodeId(), "stop it first, or remove capture "
				+ "from the running node with POST /actuator/harmonylite/capture {\"action\": \"uninstall\"}")) {
			out.println(CaptureRemoval.uninstall(config.dbPath()).describe());
		}
		return 0;
	}

}
