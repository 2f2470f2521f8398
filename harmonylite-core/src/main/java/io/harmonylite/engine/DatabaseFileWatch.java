package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the database file the node opened is no longer the file at its path (deleted, or replaced by another
 * file): the node's connections keep the old file open, so it replicates to and from a file nobody else sees. A
 * {@code DOWN} problem until the node is restarted (or the file put back).
 */
final class DatabaseFileWatch implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseFileWatch.class);

	private final long nodeId;

	private final Path database;

	private final @Nullable Object opened;

	private final Clock clock;

	private final Supplier<@Nullable String> wentBack;

	private volatile @Nullable Instant seenSince;

	private volatile @Nullable Instant wentBackSince;

	/**
	 * Creates the watch of the file as it is now; create it once the node has opened the database.
	 * @param nodeId this node's id, for the log
	 * @param database the database file
	 * @param clock the clock
	 * @param wentBack why the file went back under the node (an older copy put in its place), {@code null} while
	 * it has not; the applier finds it out from the streams' positions
	 */
	DatabaseFileWatch(long nodeId, Path database, Clock clock, Supplier<@Nullable String> wentBack) {
		this.nodeId = nodeId;
		this.database = database;
		this.clock = clock;
		this.wentBack = wentBack;
		this.opened = fileKey(database, null);
	}

	@Override
	public List<Problem> problems() {
		String back = this.wentBack.get();
		if (back != null) {
			Instant since = this.wentBackSince;
			if (since == null) {
				since = this.clock.instant();
				this.wentBackSince = since;
			}
			return List.of(new Problem(ProblemKind.DATABASE_REPLACED, Severity.DOWN, "database " + this.database, back,
					since));
		}
		if (this.opened == null) {
			return List.of();
		}
		Object now = fileKey(this.database, this.opened);
		if (Objects.equals(now, this.opened)) {
			this.seenSince = null;
			return List.of();
		}
		Instant since = this.seenSince;
		if (since == null) {
			since = this.clock.instant();
			this.seenSince = since;
			logger.error("Node {}: the database file {} was {} while the node runs; the node still reads and writes "
					+ "the file it opened, which nobody else sees. Restart the node (and its application)", this.nodeId,
					this.database, (now == null) ? "deleted" : "replaced by another file");
		}
		return List.of(new Problem(ProblemKind.DATABASE_REPLACED, Severity.DOWN, "database " + this.database,
				"the file was " + ((now == null) ? "deleted" : "replaced by another file") + " while the node runs; "
						+ "the node still replicates to and from the file it opened, which nobody else sees. Restart "
						+ "the node (and its application), or put the file back",
				since));
	}

	/** The file's identity (device and inode), {@code null} when it does not exist, {@code unreadable} when unknown. */
	private static @Nullable Object fileKey(Path file, @Nullable Object unreadable) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			return unreadable;
		}
	}

}
