package io.harmonylite.node.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotTables;

/**
 * Renders the texts of the snapshot commands; lines are separated by {@code \n}, without a final one.
 *
 * @since 0.1.0
 */
public final class SnapshotFormatter {

	private SnapshotFormatter() {
	}

	/**
	 * The store's snapshots, newest first, for example:
	 * <pre>
	 * Snapshots of node 4's cluster (2, newest first):
	 *   20250301T101530123Z-n2-5f3a9c  node 2  2025-03-01T10:15:30.123Z  20000 rows  1.2 MiB (0.3 MiB compressed)  schema 4efea1ee  at harmonylite-changes-0=20431
	 * </pre>
	 * @param config the node's configuration
	 * @param snapshots the snapshots
	 * @return the text
	 */
	public static String list(HarmonyLiteConfig config, List<SnapshotMetadata> snapshots) {
		List<String> lines = new ArrayList<>();
		lines.add("Snapshots of node " + config.nodeId() + "'s cluster (" + snapshots.size()
				+ (snapshots.isEmpty() ? "; the node holding the snapshot lease takes one every "
						+ "harmonylite.snapshot.interval, or run --save-snapshot)" : ", newest first):"));
		for (SnapshotMetadata snapshot : snapshots) {
			lines.add("  " + snapshot.id() + "  node " + snapshot.nodeId() + "  " + snapshot.createdAt() + "  "
					+ rows(snapshot) + " rows  " + mebibytes(snapshot.databaseSize()) + " ("
					+ mebibytes(snapshot.size()) + " compressed)  schema " + SchemaHasher.shortHash(snapshot.schemaHash())
					+ "  at " + positions(snapshot));
		}
		return String.join("\n", lines);
	}

	/**
	 * The snapshot just taken.
	 * @param snapshot the snapshot
	 * @return the text
	 */
	public static String saved(SnapshotMetadata snapshot) {
		return "Saved snapshot " + snapshot.id() + " of node " + snapshot.nodeId() + ": " + rows(snapshot)
				+ " rows, " + mebibytes(snapshot.databaseSize()) + " (" + mebibytes(snapshot.size())
				+ " compressed), at " + positions(snapshot);
	}

	/**
	 * The outcome of a restore.
	 * @param config the node's configuration
	 * @param outcome the outcome
	 * @return the text
	 */
	public static String restored(HarmonyLiteConfig config, RestoreOutcome outcome) {
		if (outcome instanceof RestoreOutcome.Restored restored) {
			return "Restored snapshot " + restored.snapshotId() + " into " + config.dbPath() + " in "
					+ restored.took().toMillis() + " ms; node " + config.nodeId() + " resumes after "
					+ restored.positions().entrySet().stream()
						.map((entry) -> entry.getKey() + "=" + entry.getValue())
						.collect(Collectors.joining(", "))
					+ ". Its changes not yet published were kept; start the node to send them and catch up.";
		}
		return "No snapshot restored; " + config.dbPath() + " is unchanged. "
				+ ((RestoreOutcome.Refused) outcome).reason();
	}

	/**
	 * The rows of the application's tables, without HarmonyLite's own.
	 */
	private static long rows(SnapshotMetadata snapshot) {
		return snapshot.rowCounts()
			.entrySet()
			.stream()
			.filter((entry) -> !SnapshotTables.isInternal(entry.getKey()))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	private static String positions(SnapshotMetadata snapshot) {
		return snapshot.positions().isEmpty() ? "no stream position"
				: snapshot.positions().entrySet().stream()
					.map((entry) -> entry.getKey() + "=" + entry.getValue())
					.collect(Collectors.joining(", "));
	}

	private static String mebibytes(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
	}

}
