package io.harmonylite.nats;

import org.jspecify.annotations.Nullable;

/**
 * Whether JetStream's acknowledgements to this node survive a power loss: the server must be 2.10 or newer and sync
 * every write to disk before acknowledging it ({@code sync_interval: always}), and every shard stream must have the
 * intended replicas.
 *
 * @param serverVersion the connected server's version, {@code null} when unknown
 * @param sync the server's sync setting ({@code always} or an interval), {@code null} when it cannot be read
 * @param replicas the replicas every stream is meant to have
 * @param durableAcks {@code true} when all of the above hold, {@code false} when one does not, {@code null} when the
 * sync setting is unknown
 * @param warning why acknowledgements are not (or not known to be) durable, {@code null} when they are
 * @since 0.1.0
 */
public record DurabilityStatus(@Nullable String serverVersion, @Nullable String sync, int replicas,
		@Nullable Boolean durableAcks, @Nullable String warning) {
}
