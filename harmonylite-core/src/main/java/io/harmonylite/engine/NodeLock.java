package io.harmonylite.engine;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

/**
 * An exclusive operating-system lock on a file beside the database ({@code <db>-harmonylite.lock}), held while a node
 * runs on that database. The system releases it when the process ends, even by {@code kill -9}, so it tells reliably
 * whether a node runs on a file: a second node on the same file is refused, and the offline commands (which write the
 * node's positions and files) run only while no node does. The holder writes its node id, process id and host into
 * the file, so that a refusal names it.
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
	 * @param nodeId this node's id, recorded in the lock file for the refusal of another node
	 * @param refusal what the caller cannot do while another node runs, and what to do instead, e.g. {@code stop it
	 * first}
	 * @return the lock, to close when the node stops
	 * @throws NodeLockedException when a node (of this or another process) holds it
	 * @throws HarmonyLiteException when the file cannot be opened
	 * @throws io.harmonylite.ConfigException naming {@code harmonylite.db-path} when the database's path is
	 * unusable ({@link DatabasePreflight})
	 */
	public static NodeLock acquire(Path dbPath, long nodeId, String refusal) {
		// The lock is the first thing a node writes: an unusable path is told as such, not as a lock file failure.
		DatabasePreflight.check(dbPath);
		Path file = file(dbPath);
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				// Held by this JVM: a node started here.
				lock = null;
			}
			if (lock == null) {
				// Read through this channel: opening another one and closing it may drop this JVM's lock.
				@Nullable String[] holder = holder(channel);
				closeQuietly(channel);
				throw new NodeLockedException(dbPath, holder[0], holder[1], refusal);
			}
			record(channel, nodeId);
			return new NodeLock(channel, lock);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new HarmonyLiteException("Could not open the node's lock file " + file + ": " + ex.getMessage()
					+ ". Check that the database's directory is writable.", ex);
		}
	}

	private static void record(FileChannel channel, long nodeId) throws IOException {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			host = "unknown";
		}
		String content = "node-id=" + nodeId + "\npid=" + ProcessHandle.current().pid() + "\nhost=" + host + "\n";
		channel.truncate(0);
		channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
	}

	/** The node id and process ({@code pid 4242 on host-a}) the lock file records; nulls when unknown. */
	private static @Nullable String[] holder(FileChannel channel) {
		try {
			ByteBuffer buffer = ByteBuffer.allocate(1024);
			channel.read(buffer, 0);
			Properties recorded = new Properties();
			recorded.load(new StringReader(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)));
			String pid = recorded.getProperty("pid");
			return new @Nullable String[] { recorded.getProperty("node-id"),
					(pid != null) ? "pid " + pid + " on " + recorded.getProperty("host", "?") : null };
		}
		catch (IOException ex) {
			// E.g. Windows refuses to read a locked file.
			return new @Nullable String[] { null, null };
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
