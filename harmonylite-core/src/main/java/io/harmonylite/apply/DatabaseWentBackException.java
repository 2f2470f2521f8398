package io.harmonylite.apply;

import io.harmonylite.HarmonyLiteException;

/**
 * The database holds a stream position below one this node applied and stored while it runs: the file went back
 * under the node, as when an older copy (a backup) is copied over it. Applying on would store a position past
 * changes the file no longer holds, so nothing more is applied until the node is restarted, which then reads the
 * streams from the file's own positions again.
 *
 * @since 0.1.0
 */
public final class DatabaseWentBackException extends HarmonyLiteException {

	private static final long serialVersionUID = 1L;

	DatabaseWentBackException(String stream, long stored, long applied) {
		super("the database file went back while the node runs: it holds position " + stored + " of stream " + stream
				+ ", but this node had applied up to " + applied + " (an older copy, such as a backup, was put in its "
				+ "place; replace a node's file only while the node is stopped). Nothing more is applied to it. "
				+ "Restart the node (and its application): it then applies the streams from the file's own positions "
				+ "again and sends the changes the file holds that it has not sent");
	}

}
