package io.harmonylite.apply;

import java.util.Objects;

/**
 * A place in a replication stream: the stream's name and a message sequence number in it.
 *
 * @param stream the stream name
 * @param sequence the message sequence, 1 or more
 * @since 0.1.0
 */
public record StreamPosition(String stream, long sequence) {

	public StreamPosition {
		Objects.requireNonNull(stream, "stream");
		if (stream.isEmpty()) {
			throw new IllegalArgumentException("A stream position needs a stream name");
		}
		if (sequence < 1) {
			throw new IllegalArgumentException(
					"A stream sequence starts at 1, but was " + sequence + " in stream '" + stream + "'");
		}
	}

	@Override
	public String toString() {
		return this.stream + "#" + this.sequence;
	}

}
