package io.harmonylite.autoconfigure.endpoint;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HarmonyLiteOperation}s of the endpoint, found by target and action; a request naming no such operation
 * gets a result that lists the ones there are.
 */
final class Operations {

	private final Map<String, Map<String, HarmonyLiteOperation>> byTarget = new TreeMap<>();

	/**
	 * Indexes the operations.
	 * @param operations the operations
	 * @throws IllegalStateException if two operations have the same target and action
	 */
	Operations(List<? extends HarmonyLiteOperation> operations) {
		for (HarmonyLiteOperation operation : operations) {
			HarmonyLiteOperation previous = this.byTarget.computeIfAbsent(operation.target(), (target) -> new TreeMap<>())
				.putIfAbsent(operation.action(), operation);
			if (previous != null) {
				throw new IllegalStateException("Two HarmonyLite endpoint operations are named '" + operation.action()
						+ "' on '" + operation.target() + "': " + previous.getClass().getName() + " and "
						+ operation.getClass().getName() + "; remove one of the beans");
			}
		}
	}

	/**
	 * Runs the operation a request names.
	 * @param target the request's target
	 * @param id the request's id, {@code null} when it has none
	 * @param action the request's action
	 * @return what happened
	 */
	OperationResult run(String target, @Nullable String id, String action) {
		Map<String, HarmonyLiteOperation> actions = this.byTarget.get(target);
		if (actions == null) {
			return new OperationResult(target, id, action, Outcome.NOT_FOUND, "There is no operation on '" + target
					+ "'; the targets are " + String.join(", ", this.byTarget.keySet()), null);
		}
		HarmonyLiteOperation operation = actions.get(action);
		if (operation == null) {
			return new OperationResult(target, id, action, Outcome.BAD_REQUEST, "Unknown action '" + action + "' on '"
					+ target + "'; send one of " + String.join(", ", actions.keySet()) + " as \"action\"", null);
		}
		return operation.run(id);
	}

}
