package io.harmonylite.autoconfigure.endpoint;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * What a {@link HarmonyLiteOperation} did, as the endpoint answers it.
 *
 * @param target the operation's target, such as {@code shards}
 * @param id which one of the target, such as a shard number; {@code null} when the request named none
 * @param action the action, such as {@code pause}
 * @param outcome whether it was done, and if not why
 * @param message what happened, or what to do instead, for the operator
 * @param detail the target's state afterwards (a small record), {@code null} when there is none
 * @since 0.1.0
 */
public record OperationResult(String target, @Nullable String id, String action, Outcome outcome, String message,
		@Nullable Object detail) {

	/**
	 * A result for an operation that did what was asked.
	 * @param operation the operation
	 * @param id the request's id
	 * @param message what happened
	 * @param detail the target's state afterwards
	 * @return the result
	 */
	public static OperationResult done(HarmonyLiteOperation operation, @Nullable String id, String message,
			@Nullable Object detail) {
		return new OperationResult(operation.target(), id, operation.action(), Outcome.DONE, message, detail);
	}

	/**
	 * A result for an operation that found nothing to do, such as resuming a shard that is not paused.
	 * @param operation the operation
	 * @param id the request's id
	 * @param message why nothing was done
	 * @param detail the target's state
	 * @return the result
	 */
	public static OperationResult unchanged(HarmonyLiteOperation operation, @Nullable String id, String message,
			@Nullable Object detail) {
		return new OperationResult(operation.target(), id, operation.action(), Outcome.UNCHANGED, message, detail);
	}

	/**
	 * A result for an operation that cannot apply.
	 * @param operation the operation
	 * @param id the request's id
	 * @param outcome why: {@link Outcome#NOT_FOUND}, {@link Outcome#CONFLICT} or {@link Outcome#BAD_REQUEST}
	 * @param message what to do instead
	 * @return the result
	 */
	public static OperationResult refused(HarmonyLiteOperation operation, @Nullable String id, Outcome outcome,
			String message) {
		return new OperationResult(operation.target(), id, operation.action(), outcome, message, null);
	}

	/**
	 * Whether an operation ran, and if it did not, why; each maps to an HTTP status.
	 */
	public enum Outcome {

		/** It did what was asked: {@code 200}. */
		DONE(WebEndpointResponse.STATUS_OK),

		/** There was nothing to do, e.g. the shard was already paused: {@code 200}. */
		UNCHANGED(WebEndpointResponse.STATUS_OK),

		/** The request is incomplete or names an unknown action: {@code 400}. */
		BAD_REQUEST(WebEndpointResponse.STATUS_BAD_REQUEST),

		/** No such target or id, e.g. an unknown shard: {@code 404}. */
		NOT_FOUND(WebEndpointResponse.STATUS_NOT_FOUND),

		/** Not in the node's current state, e.g. the node is not started: {@code 409}. */
		CONFLICT(409);

		private final int status;

		Outcome(int status) {
			this.status = status;
		}

		/**
		 * The HTTP status of a response with this outcome.
		 * @return the status code
		 */
		public int status() {
			return this.status;
		}

	}

}
