package io.harmonylite.apply;

import java.util.Map;

/**
 * The outcome of applying one batch.
 *
 * @param applied how many changes were applied: merged by the conflict rule (including those it found superseded) or
 * written unconditionally
 * @param skipped how many changes were skipped because their stream had already passed them
 * @param positions the stored position of every stream the batch touched, after the batch
 * @param superseded how many of the applied changes lost on every column to what the node already had, so nothing was
 * written (older changes, and this node's own changes coming back)
 * @since 0.1.0
 */
public record ApplyResult(int applied, int skipped, Map<String, Long> positions, int superseded) {

	public ApplyResult {
		positions = Map.copyOf(positions);
	}

	/**
	 * An outcome without superseded changes.
	 * @param applied how many changes were applied
	 * @param skipped how many changes were skipped because their stream had already passed them
	 * @param positions the stored position of every stream the batch touched, after the batch
	 */
	public ApplyResult(int applied, int skipped, Map<String, Long> positions) {
		this(applied, skipped, positions, 0);
	}

}
