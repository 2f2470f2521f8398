package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports that the store directory of the node's embedded nats-server was removed while the server runs (by hand, a
 * cleanup script), also when a directory of that name exists again (made by hand, or by the server for a new stream):
 * the server goes on with the files it holds open, which nobody else sees, and starts empty at its next restart. With
 * more than one replica its cluster copies the streams back then; with one, they are lost. Told by a small file the
 * watch leaves in the directory once the server process started (again at each restart of the server), which a
 * directory made anew lacks (an inode number may be reused). A {@code DEGRADED} problem and a WARN when it is first
 * seen, since replication goes on meanwhile.
 */
final class StoreDirectoryWatch implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(StoreDirectoryWatch.class);

	/** The file left in the directory, whose absence tells that the directory is not the one the server uses. */
	static final String MARKER = "harmonylite-store-watch";

	private final long nodeId;

	private final @Nullable Path storeDir;

	private final int replicas;

	private final Supplier<OptionalLong> serverPid;

	private final Clock clock;

	private OptionalLong watchedPid = OptionalLong.empty();

	private boolean marked;

	private @Nullable Instant removedSince;

	/**
	 * Creates the watch.
	 * @param nodeId this node's id, for the log
	 * @param storeDir the embedded server's store directory, {@code null} with an external server (nothing to watch)
	 * @param replicas the streams' replicas
	 * @param serverPid the process id of the running server, which a restart changes
	 * @param clock the clock
	 */
	StoreDirectoryWatch(long nodeId, @Nullable Path storeDir, int replicas, Supplier<OptionalLong> serverPid,
			Clock clock) {
		this.nodeId = nodeId;
		this.storeDir = storeDir;
		this.replicas = replicas;
		this.serverPid = serverPid;
		this.clock = clock;
		look();
	}

	@Override
	public synchronized List<Problem> problems() {
		if (this.storeDir == null || !look()) {
			this.removedSince = null;
			return List.of();
		}
		Instant since = this.removedSince;
		String reason = "the embedded nats-server's store directory " + this.storeDir + " was removed while the "
				+ "server runs: the server goes on with files nobody sees, and starts empty at its next restart, "
				+ ((this.replicas > 1) ? "when the other servers copy the streams back to it. Restart the node while "
						+ "a majority of the other servers runs"
						: "losing the streams (one replica): the other nodes then wait at a stream gap. Restart the "
								+ "node only after taking a snapshot, or put the directory back");
		if (since == null) {
			since = this.clock.instant();
			this.removedSince = since;
			logger.warn("Node {}: STORE_REMOVED: {}", this.nodeId, reason);
		}
		return List.of(new Problem(ProblemKind.STORE_REMOVED, Severity.DEGRADED, "embedded nats-server", reason, since));
	}

	/**
	 * Looks at the directory: the first look after the server (re)started leaves a file in it.
	 * @return whether the file is gone: the directory was removed, or emptied, or is another one than the running
	 * server started with
	 */
	private synchronized boolean look() {
		if (this.storeDir == null) {
			return false;
		}
		OptionalLong pid = this.serverPid.get();
		Path marker = this.storeDir.resolve(MARKER);
		if (!pid.equals(this.watchedPid)) {
			this.watchedPid = pid;
			this.marked = pid.isPresent() && mark(marker);
			return false;
		}
		return this.marked && !Files.exists(marker);
	}

	private boolean mark(Path marker) {
		try {
			Files.writeString(marker, "Left by HarmonyLite node " + this.nodeId + " to tell when this directory is "
					+ "removed while its nats-server runs (STORE_REMOVED)\n");
			return true;
		}
		catch (IOException ex) {
			logger.debug("Node {}: cannot watch the store directory ({})", this.nodeId, ex.toString());
			return false;
		}
	}

}
