package io.harmonylite.autoconfigure.endpoint;

import org.jspecify.annotations.Nullable;

/**
 * One write operation of the {@link HarmonyLiteEndpoint}: an action on a target, run by
 * {@code POST /actuator/harmonylite/{target}} or {@code POST /actuator/harmonylite/{target}/{id}} with the body
 * {@code {"action": "..."}}, for example {@code POST /actuator/harmonylite/shards/0} with {@code {"action": "pause"}}.
 * <p>
 * Each is a small class; define one as a bean to add it to the endpoint. Its {@link OperationResult} says what
 * happened, and its {@link OperationResult.Outcome} becomes the HTTP status: an operation that cannot apply (no such
 * shard, a node that is not started) answers {@code 404} or {@code 409} with a message naming the fix, never an
 * exception.
 *
 * @since 0.1.0
 */
public interface HarmonyLiteOperation {

	/**
	 * What the operation acts on, the first path segment after the endpoint's.
	 * @return the target, such as {@code shards} or {@code capture}
	 */
	String target();

	/**
	 * The operation's name, given as {@code action} in the request body.
	 * @return the action, such as {@code pause}
	 */
	String action();

	/**
	 * Runs the operation.
	 * @param id which one of the target, the path segment after it (such as a shard number); {@code null} when the
	 * request has none
	 * @return what happened
	 */
	OperationResult run(@Nullable String id);

}
