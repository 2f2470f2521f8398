package io.harmonylite.node.cli;

import java.io.PrintStream;
import java.util.List;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.engine.SnapshotOperations;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --list-snapshots}, {@code --save-snapshot} and {@code --restore-snapshot [id]} commands, for a node whose
 * process is stopped (a running node has the same operations on its {@code harmonylitesnapshots} Actuator endpoint):
 * they reach the snapshot store and, for the two last, the shard streams, starting the node's embedded nats-server for
 * the time of the command when it has one.
 */
final class SnapshotCommands {

	/** Exit code of a restore that found no snapshot fitting the node; the database is unchanged. */
	static final int NOTHING_RESTORED = 2;

	private SnapshotCommands() {
	}

	/**
	 * Lists the store's snapshots.
	 * @param config the node's configuration
	 * @param out where to print
	 * @return 0
	 */
	static int list(HarmonyLiteConfig config, PrintStream out) {
		List<SnapshotMetadata> snapshots = operations(config).list();
		out.println(SnapshotFormatter.list(config, snapshots));
		return 0;
	}

	/**
	 * Takes a snapshot of the node's database and stores it.
	 * @param config the node's configuration
	 * @param out where to print
	 * @return 0
	 */
	static int save(HarmonyLiteConfig config, PrintStream out) {
		out.println(SnapshotFormatter.saved(operations(config).take()));
		return 0;
	}

	/**
	 * Restores a snapshot into the node's database, keeping its pending local changes.
	 * @param config the node's configuration
	 * @param id the snapshot, {@code null} for the newest one that fits the node
	 * @param out where to print
	 * @return 0 when restored, {@value #NOTHING_RESTORED} when no snapshot fits
	 */
	static int restore(HarmonyLiteConfig config, @Nullable String id, PrintStream out) {
		RestoreOutcome outcome = operations(config).restore(id);
		out.println(SnapshotFormatter.restored(config, outcome));
		return (outcome instanceof RestoreOutcome.Restored) ? 0 : NOTHING_RESTORED;
	}

	private static SnapshotOperations operations(HarmonyLiteConfig config) {
		// Never started: each operation reaches NATS and the store for its own time only.
		return HarmonyLiteEngine.builder(config).build().snapshots();
	}

}
