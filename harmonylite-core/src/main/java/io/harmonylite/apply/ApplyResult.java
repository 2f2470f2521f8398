package io.harmonylite.apply;

import java.util.Map;

/**
 * The outcome of applying one batch.
 *
 * @param applied how many changes were written
 * @param skipped how many changes were skipped because their stream had already passed them
 * @param positions the stored position of every stream the batch touched, after the batch
 * @since 0.1.0
 */
public record ApplyResult(int applied, int skipped, Map<String, Long> positions) {

	public ApplyResult {
		positions = Map.copyOf(positions);
	}

}
