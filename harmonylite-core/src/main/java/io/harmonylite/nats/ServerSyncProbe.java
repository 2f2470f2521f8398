package io.harmonylite.nats;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Reads an external server's JetStream sync setting from its own monitoring data ({@code VARZ}), which only a user of
 * the system account may request; for any other user the request finds no responder and the setting stays unknown.
 */
final class ServerSyncProbe {

	/** Every server answers this with its {@code /varz}; the connection takes the first answer. */
	static final String VARZ_SUBJECT = "$SYS.REQ.SERVER.PING.VARZ";

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private ServerSyncProbe() {
	}

	/**
	 * The sync setting of a server the connection reaches.
	 * @param connection the connection
	 * @return {@code always}, an interval such as {@code 2m0s}, or {@code null} when it cannot be read
	 */
	static @Nullable String read(Connection connection) {
		try {
			CompletableFuture<Message> reply = connection.request(VARZ_SUBJECT, "{}".getBytes());
			return syncOf(reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getData());
		}
		catch (ExecutionException | TimeoutException | IllegalStateException ex) {
			// No responder (not a system-account user), no answer, or no connection: the setting stays unknown.
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * The sync setting in a {@code VARZ} answer.
	 * @param varz the answer, {@code {"data": {"jetstream": {"config": {...}}}}} or the bare {@code /varz}
	 * @return {@code always}, the interval, or {@code null} when the answer does not say
	 */
	static @Nullable String syncOf(byte @Nullable [] varz) {
		if (varz == null || varz.length == 0) {
			return null;
		}
		try {
			JsonValue root = JsonParser.parse(varz);
			JsonValue data = field(root, "data");
			JsonValue config = field(field((data != null) ? data : root, "jetstream"), "config");
			if (config == null) {
				return null;
			}
			JsonValue always = field(config, "sync_always");
			if (always != null && always.type == JsonValue.Type.BOOL && Boolean.TRUE.equals(always.bool)) {
				return "always";
			}
			JsonValue interval = field(config, "sync_interval");
			return (interval != null && interval.number != null)
					? Duration.ofNanos(interval.number.longValue()).toString().substring(2).toLowerCase() : "2m";
		}
		catch (JsonParseException ex) {
			return null;
		}
	}

	private static @Nullable JsonValue field(@Nullable JsonValue json, String name) {
		return (json != null && json.map != null) ? json.map.get(name) : null;
	}

}
