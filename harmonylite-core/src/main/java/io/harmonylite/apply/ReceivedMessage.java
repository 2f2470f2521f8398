package io.harmonylite.apply;

/**
 * A raw message taken from a shard stream, not yet decoded or trusted.
 *
 * @param shard the shard number
 * @param position the stream and sequence it was read at
 * @param payload the message body
 * @since 0.1.0
 */
public record ReceivedMessage(int shard, StreamPosition position, byte[] payload) {
}
