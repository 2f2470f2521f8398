package io.harmonylite.apply;

import org.jspecify.annotations.Nullable;

/**
 * Where a message comes from, read from its message id ({@code <node>-<capture epoch>-<first change>-<last change>},
 * then the payload's checksum in hex, and a suffix on re-sent rounds): the node, the capture epoch of its change log and
 * the range of change ids it carries. It only tells a node which messages are its own changes coming back; a forged id can at most make a node
 * skip a message it would otherwise have applied, never execute anything.
 *
 * @param nodeId the publishing node
 * @param captureEpoch the capture epoch of the publisher's change log
 * @param firstChangeId the first change id the message carries
 * @param lastChangeId the last change id the message carries
 * @since 0.1.0
 */
public record MessageOrigin(long nodeId, long captureEpoch, long firstChangeId, long lastChangeId) {

	/**
	 * Reads a message id.
	 * @param messageId the id, {@code null} when the message had none
	 * @return the origin, or {@code null} when the id is missing or not one a publisher makes
	 */
	public static @Nullable MessageOrigin parse(@Nullable String messageId) {
		if (messageId == null) {
			return null;
		}
		long[] fields = new long[4];
		int at = 0;
		for (int field = 0; field < fields.length; field++) {
			if (at > messageId.length()) {
				return null;
			}
			int end = at;
			// The epoch is a random long and may be negative: a minus sign right after a separator belongs to it.
			if (end < messageId.length() && messageId.charAt(end) == '-') {
				end++;
			}
			while (end < messageId.length() && messageId.charAt(end) != '-') {
				end++;
			}
			try {
				fields[field] = Long.parseLong(messageId, at, end, 10);
			}
			catch (NumberFormatException ex) {
				return null;
			}
			at = end + 1;
		}
		// What follows the range (a checksum in hex, a re-sent round's r<n>) does not tell the origin.
		boolean complete = at >= messageId.length() || messageId.charAt(at) == 'r'
				|| Character.digit(messageId.charAt(at), 16) >= 0;
		if (!complete || fields[0] <= 0 || fields[1] == 0 || fields[2] <= 0 || fields[3] < fields[2]) {
			return null;
		}
		return new MessageOrigin(fields[0], fields[1], fields[2], fields[3]);
	}

}
