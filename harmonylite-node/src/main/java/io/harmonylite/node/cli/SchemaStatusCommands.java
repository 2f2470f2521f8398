package io.harmonylite.node.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.nats.SchemaRegistryReader;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.TableSchema;
import io.harmonylite.sqlite.SqliteConnections;

/**
 * The {@code --schema-status} and {@code --schema-status-cluster} commands: they answer from the database and the
 * registry without starting replication, with exit codes CI/CD pipelines can gate on.
 */
final class SchemaStatusCommands {

	private SchemaStatusCommands() {
	}

	/**
	 * Prints this node's schema status, computed from the database as it is now.
	 * @param config the node's configuration
	 * @param out where to print
	 * @return the exit code, 0
	 */
	static int printLocal(HarmonyLiteConfig config, PrintStream out) {
		try (Connection connection = SqliteConnections.open(config.dbPath())) {
			// As a running node sees the file: a table it cannot capture (no primary key) is left out and named.
			ChangeCapture.Installed capturable = new ChangeCapture(connection, config.tables(), config.ignoreTables())
				.capturableTables();
			List<TableSchema> tables = capturable.tables();
			String hash = SchemaHasher.hash(tables);
			String previous = new SchemaVersionStore(connection).load()
				.map((stored) -> stored.hash().equals(hash) ? stored.previousHash() : stored.hash())
				.orElse(null);
			out.print(SchemaStatusFormatter.node(new NodeSchemaState(config.nodeId(), hash, previous,
					HarmonyLiteVersion.current(), tables.stream().map(TableSchema::name).toList(),
					Clock.systemUTC().instant())));
			for (String leftOut : capturable.leftOut()) {
				out.print(System.lineSeparator() + "  Not Captured: " + leftOut);
			}
			return SchemaStatusExitCodes.CONSISTENT;
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read " + config.dbPath() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Prints the cluster's schema status from the registry.
	 * @param config the node's configuration (its NATS settings are used; for an embedded server, its client port on
	 * this host)
	 * @param out where to print
	 * @return 0 when consistent, 2 when inconsistent, 3 when NATS cannot be reached
	 */
	static int printCluster(HarmonyLiteConfig config, PrintStream out) {
		List<String> servers = config.nats().isEmbedded()
				? List.of("nats://127.0.0.1:" + config.nats().embedded().port()) : config.nats().urls();
		if (config.nats().isEmbedded() && !listening(config.nats().embedded().port())) {
			out.print(SchemaStatusFormatter.natsUnreachable("node " + config.nodeId() + "'s embedded nats-server is not "
					+ "running (nothing listens on nats://127.0.0.1:" + config.nats().embedded().port() + "). Run this command "
					+ "while the node runs, or point harmonylite.nats.urls at a server of the cluster"));
			return SchemaStatusExitCodes.NATS_UNREACHABLE;
		}
		try {
			ClusterSchemaView view = new ClusterSchemaView(SchemaRegistryReader.read(config.nats(), config.nodeId(), servers));
			out.print(SchemaStatusFormatter.cluster(view));
			return SchemaStatusExitCodes.of(view);
		}
		catch (HarmonyLiteException ex) {
			out.print(SchemaStatusFormatter.natsUnreachable(ex.getMessage()));
			return SchemaStatusExitCodes.NATS_UNREACHABLE;
		}
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
