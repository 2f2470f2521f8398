package io.harmonylite.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * An exclusive operating-system lock on a file beside the database ({@code <db>-harmonylite.lock}), held while a node
 * runs on that database. The system releases it when the process ends, even by {@code kill -9}, so it tells reliably
 * whether a node runs on a file: a second node on the same file is refused, and the offline commands (which write the
 * node's positions and files) run only while no node does.
 *
 * @since 0.1.0
 */
public final class NodeLock implements AutoCloseable {

	private final FileChannel channel;

	private final FileLock lock;

	private NodeLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * The lock file of a database.
	 * @param dbPath the database file
	 * @return the file beside it
	 */
	public static Path file(Path dbPath) {
		Path absolute = dbPath.toAbsolutePath();
		return absolute.resolveSibling(absolute.getFileName() + "-harmonylite.lock");
	}

	/**
	 * Takes the lock of a database for this node.
	 * @param dbPath the database file
	 * @param nodeId this node's id, for the message
	 * @param refusal what the caller cannot do while another node runs, and what to do instead, e.g. {@code stop it
	 * first}
	 * @return the lock, to close when the node stops
	 * @throws HarmonyLiteException when a node (of this or another process) holds it, or the file cannot be opened
	 */
	public static NodeLock acquire(Path dbPath, long nodeId, String refusal) {
		NodeLock lock = tryAcquire(dbPath);
		if (lock == null) {
			throw new HarmonyLiteException("Node " + nodeId + " is running on " + dbPath + " (a process holds "
					+ file(dbPath) + "): " + refusal);
		}
		return lock;
	}

	private static @Nullable NodeLock tryAcquire(Path dbPath) {
		Path file = file(dbPath);
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			FileLock lock = channel.tryLock();
			if (lock == null) {
				channel.close();
				return null;
			}
			return new NodeLock(channel, lock);
		}
		catch (OverlappingFileLockException ex) {
			// Held by this JVM: a node started here.
			closeQuietly(channel);
			return null;
		}
		catch (IOException ex) {
			closeQuietly(channel);
			Path directory = file.toAbsolutePath().getParent();
			if (directory != null && !Files.isDirectory(directory)) {
				throw new ConfigException("harmonylite.db-path", "the directory of " + dbPath + " (" + directory
						+ ") does not exist; create it, or fix the path");
			}
			throw new HarmonyLiteException("Could not open the node's lock file " + file + ": " + ex.getMessage()
					+ ". Check that the database's directory is writable.", ex);
		}
	}

	private static void closeQuietly(@Nullable FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Nothing held.
			}
		}
	}

	/**
	 * Releases the lock.
	 */
	@Override
	public void close() {
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ex) {
			// The channel is closed either way, and with it the lock.
		}
	}

}
