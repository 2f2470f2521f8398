package io.harmonylite.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;

import io.harmonylite.sqlite.SqliteConnections;

/**
 * Restores a snapshot in its own JVM, so that a test can kill it hard in the middle: halfway through the copy it
 * prints {@code HALFWAY} and waits for its standard input to close. Arguments: live database, directory store,
 * snapshot id, work directory.
 */
public final class RestoreMain {

	private RestoreMain() {
	}

	public static void main(String[] args) throws Exception {
		Path database = Path.of(args[0]);
		DirectorySnapshotStore store = new DirectorySnapshotStore(Path.of(args[1]));
		SnapshotMetadata snapshot = store.list().stream().filter((each) -> each.id().equals(args[2])).findFirst()
			.orElseThrow();
		String hash;
		try (Connection connection = SqliteConnections.open(database)) {
			hash = NodeFiles.SELECTION.schemaHash(connection);
		}
		boolean[] told = { false };
		new SnapshotRestorer(database, RestoreFixture.CONFLICTS, NodeFiles.SELECTION, Path.of(args[3]), Clock.systemUTC())
			.restore(store, snapshot, hash, (remaining, total) -> {
				if (!told[0] && remaining <= total / 2) {
					told[0] = true;
					System.out.println("HALFWAY");
					System.out.flush();
					try {
						// Blocks until the test kills this process.
						System.in.read();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				}
			});
		System.out.println("RESTORED");
	}

}
