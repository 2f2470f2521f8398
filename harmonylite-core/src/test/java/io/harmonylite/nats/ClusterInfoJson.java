package io.harmonylite.nats;

import java.io.IOException;

import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.JsonParser;

/**
 * A stream's cluster information as a leader answers it, parsed by jnats from JSON (replica activity in nanoseconds).
 */
final class ClusterInfoJson {

	private ClusterInfoJson() {
	}

	/**
	 * Parses the fields of a stream info's {@code cluster} object.
	 * @param fields the fields, e.g. {@code "leader": "n1", "replicas": [...]}
	 * @return the cluster information
	 * @throws IOException if the JSON is malformed
	 */
	static ClusterInfo of(String fields) throws IOException {
		String json = "{\"config\": {\"name\": \"s\"}, \"created\": \"2026-11-30T07:00:00Z\", \"state\": {}, "
				+ "\"cluster\": {\"name\": \"harmonylite\", " + fields + "}}";
		return new StreamInfo(JsonParser.parse(json)).getClusterInfo();
	}

	/**
	 * One replica's JSON.
	 * @param name the server's name
	 * @param current whether it is current
	 * @param activeNanos since when the leader has not heard from it
	 * @param lag how many operations behind it is
	 * @return the JSON object
	 */
	static String replica(String name, boolean current, long activeNanos, long lag) {
		return "{\"name\": \"" + name + "\", \"current\": " + current + ", \"active\": " + activeNanos + ", \"lag\": "
				+ lag + "}";
	}

}
