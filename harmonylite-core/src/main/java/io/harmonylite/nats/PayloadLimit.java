package io.harmonylite.nats;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;

/**
 * The server's limit on one message, which counts the headers as well as the payload: a message over it is refused
 * by the client before it is sent, so it must be caught here rather than retried forever.
 */
final class PayloadLimit {

	private PayloadLimit() {
	}

	/**
	 * The most payload bytes that fit next to the given headers, or {@link Long#MAX_VALUE} when the server has not
	 * said.
	 * @param connection the connection whose server sets the limit
	 * @param headers the headers the message will carry
	 * @return the payload limit
	 */
	static long forPayload(Connection connection, Headers headers) {
		long maxPayload = connection.getMaxPayload();
		return (maxPayload > 0) ? maxPayload - headers.serializedLength() : Long.MAX_VALUE;
	}

}
