package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, in the database itself, that its file went back (an older copy put in its place, found under the running
 * node, or at a start by {@link PublishedThrough}), so that the node's start gives its changes a new capture epoch: the older file hands out change ids it
 * had already used, and with the same epoch the node would take the changes of the old ids it finds in the streams
 * for its own, and skip them, although the file lost them.
 *
 * @since 0.1.0
 */
public final class WentBackMarker {

	private static final Logger logger = LoggerFactory.getLogger(WentBackMarker.class);

	static final String KEY = "went_back_at";

	private WentBackMarker() {
	}

	/**
	 * Marks the database; its next start renews the capture epoch.
	 * @param connection a connection to the database, outside a transaction
	 * @param nowMillis the time of the discovery
	 */
	public static void mark(Connection connection, long nowMillis) {
		try {
			MetaKeys.put(connection, KEY, nowMillis);
		}
		catch (SQLException ex) {
			logger.warn("Could not mark the database as gone back ({}); after the restart, check that the node's own "
					+ "changes written before the copy was put in place are back", ex.getMessage());
		}
	}

	/**
	 * Gives the capture a new epoch when the database is marked, and removes the mark; call at startup, inside the
	 * transaction that installs capture.
	 * @param connection the connection
	 * @param newEpoch the new epoch
	 * @throws SQLException if the meta table cannot be read or written
	 */
	static void renewEpochIfMarked(Connection connection, long newEpoch) throws SQLException {
		if (!MetaKeys.remove(connection, KEY)) {
			return;
		}
		MetaKeys.put(connection, ChangeCapture.CAPTURE_EPOCH_KEY, newEpoch);
		logger.warn("This database went back (an older copy was put in its place, under the running node or while it "
				+ "was stopped): its changes get a new capture epoch, so that the changes of its own the copy lost are applied again "
				+ "from the streams instead of being taken for changes it has");
	}

}
