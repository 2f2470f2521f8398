package io.harmonylite.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

/**
 * A nats-server's own view of itself, read from its HTTP monitoring endpoint on loopback ({@code /varz},
 * {@code /jsz}).
 *
 * @param port the monitoring port
 * @since 0.1.0
 */
public record ServerMonitor(int port) {

	private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/**
	 * Whether the server's JetStream syncs every write before acknowledging it.
	 * @return {@code jetstream.config.sync_always} of {@code /varz}
	 */
	public boolean syncAlways() {
		JsonValue config = path(get("/varz"), "jetstream", "config");
		JsonValue always = config.map.get("sync_always");
		return always != null && Boolean.TRUE.equals(always.bool);
	}

	/**
	 * The largest message the server accepts.
	 * @return {@code max_payload} of {@code /varz}
	 */
	public long maxPayload() {
		return get("/varz").map.get("max_payload").number.longValue();
	}

	/**
	 * The configured replicas of a stream, as the server reports it.
	 * @param stream the stream
	 * @return {@code config.num_replicas} of the stream in {@code /jsz}, empty when the server does not list it
	 */
	public Optional<Integer> streamReplicas(String stream) {
		JsonValue jsz = get("/jsz?accounts=true&streams=true&config=true");
		JsonValue accounts = jsz.map.get("account_details");
		if (accounts == null || accounts.array == null) {
			return Optional.empty();
		}
		for (JsonValue account : accounts.array) {
			JsonValue streams = account.map.get("stream_detail");
			if (streams == null || streams.array == null) {
				continue;
			}
			for (JsonValue detail : streams.array) {
				if (stream.equals(detail.map.get("name").string)) {
					return Optional.of(path(detail, "config", "num_replicas").number.intValue());
				}
			}
		}
		return Optional.empty();
	}

	private JsonValue get(String resource) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + resource))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			return JsonParser.parse(client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + resource + " of the nats-server monitored on port "
					+ this.port, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static JsonValue path(JsonValue json, String... names) {
		JsonValue current = json;
		for (String name : names) {
			current = current.map.get(name);
			if (current == null) {
				throw new IllegalStateException("No " + String.join(".", names) + " in " + json.toJson());
			}
		}
		return current;
	}

}
