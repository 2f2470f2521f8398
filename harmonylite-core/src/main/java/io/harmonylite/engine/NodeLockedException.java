package io.harmonylite.engine;

import java.nio.file.Path;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a node cannot take the {@link NodeLock} of its database because another node (of this or another
 * process) holds it.
 *
 * @since 0.1.0
 */
public class NodeLockedException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	private final transient Path dbPath;

	private final @Nullable String holder;

	NodeLockedException(Path dbPath, @Nullable String nodeId, @Nullable String process, String refusal) {
		super(((nodeId != null) ? "Node " + nodeId : "A node") + " is running on " + dbPath + " ("
				+ ((process != null) ? process : "a process") + " holds " + NodeLock.file(dbPath) + "): " + refusal);
		this.dbPath = dbPath;
		this.holder = (nodeId != null) ? nodeId + " (" + ((process != null) ? process : "pid unknown") + ")" : null;
	}

	/**
	 * The database file.
	 * @return the file
	 */
	public Path dbPath() {
		return this.dbPath;
	}

	/**
	 * The lock file the holder holds.
	 * @return the file beside the database
	 */
	public Path lockFile() {
		return NodeLock.file(this.dbPath);
	}

	/**
	 * Who holds the lock, as its lock file records it, e.g. {@code 1 (pid 4242 on host-a)}.
	 * @return the holder, {@code null} when the lock file does not record it (e.g. a node of an older release)
	 */
	public @Nullable String holder() {
		return this.holder;
	}

}
