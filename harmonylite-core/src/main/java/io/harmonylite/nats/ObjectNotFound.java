package io.harmonylite.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.support.NatsJetStreamClientError;

/**
 * Tells whether a jnats object-store failure means the object is not there: deleted meanwhile (e.g. by the snapshot
 * retention of another node), or answered by a server whose replica of the bucket's stream lags. jnats throws
 * {@code IllegalArgumentException("[OS-90201] The object was not found.")} when an object's info is missing, and a
 * {@link JetStreamApiException} with API error code 10037 ("no message found") when a chunk is.
 */
final class ObjectNotFound {

	/** The JetStream API error code of a get of a subject that holds no message. */
	static final int NO_MESSAGE_FOUND = 10037;

	private static final String OBJECT_NOT_FOUND = "[" + NatsJetStreamClientError.OsObjectNotFound.id() + "]";

	private ObjectNotFound() {
	}

	/**
	 * Whether the failure means the object (or one of its chunks) is not found.
	 * @param ex a failure of an object-store call
	 * @return whether it is a "not found"
	 */
	static boolean is(Exception ex) {
		if (ex instanceof JetStreamApiException api) {
			return api.getApiErrorCode() == NO_MESSAGE_FOUND;
		}
		return ex instanceof IllegalArgumentException && ex.getMessage() != null
				&& ex.getMessage().startsWith(OBJECT_NOT_FOUND);
	}

}
