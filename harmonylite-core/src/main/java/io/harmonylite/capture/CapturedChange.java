package io.harmonylite.capture;

import io.harmonylite.event.ChangeEvent;
import org.jspecify.annotations.Nullable;

/**
 * A pending change read from the change log.
 *
 * @param id the change-log id, the global capture order on this node
 * @param event the change as it is published
 * @param unreplicable why the change cannot be replicated as it is in the database (a value Java cannot carry
 * unaltered), with the fix; {@code null} for every change that can
 * @since 0.1.0
 */
public record CapturedChange(long id, ChangeEvent event, @Nullable String unreplicable) {

	/**
	 * A change that can be replicated.
	 * @param id the change-log id
	 * @param event the change
	 */
	public CapturedChange(long id, ChangeEvent event) {
		this(id, event, null);
	}

	/**
	 * The same change with its event replaced (its version made final, say).
	 * @param replaced the event
	 * @return the change
	 */
	public CapturedChange withEvent(ChangeEvent replaced) {
		return new CapturedChange(this.id, replaced, this.unreplicable);
	}

}
