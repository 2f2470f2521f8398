package io.harmonylite.nats;

import java.util.Map;
import java.util.UUID;

import io.nats.client.api.StreamInfo;

/**
 * What tells a stream apart from another one created later under the same name: a random id HarmonyLite puts in the
 * stream's metadata when it creates it (nats-server 2.10 and newer keep metadata), or, for a stream without one, its
 * creation time. The creation time alone is not enough for a replicated stream: after a restart each replica reports
 * the time it created its own copy, so the identity would change with the leader.
 *
 * @since 0.1.0
 */
public final class StreamIdentity {

	/** The stream metadata key holding the id. */
	public static final String METADATA_KEY = "harmonylite-stream-id";

	private StreamIdentity() {
	}

	/**
	 * Metadata for a stream about to be created.
	 * @return a map with a new random id
	 */
	static Map<String, String> newMetadata() {
		return Map.of(METADATA_KEY, UUID.randomUUID().toString());
	}

	/**
	 * A stream's identity.
	 * @param info the stream's info
	 * @return {@code id:<uuid>} from its metadata, or its creation time when it has none
	 */
	public static String of(StreamInfo info) {
		Map<String, String> metadata = info.getConfiguration().getMetadata();
		String id = (metadata != null) ? metadata.get(METADATA_KEY) : null;
		return (id != null) ? "id:" + id : info.getCreateTime().toInstant().toString();
	}

}
