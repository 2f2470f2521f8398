package io.harmonylite.apply;

import java.util.Objects;

import io.harmonylite.event.ChangeEvent;

/**
 * A change event together with the stream position it was received at.
 *
 * @param event the change
 * @param position where the change sits in its stream
 * @since 0.1.0
 */
public record PositionedChange(ChangeEvent event, StreamPosition position) {

	public PositionedChange {
		Objects.requireNonNull(event, "event");
		Objects.requireNonNull(position, "position");
	}

}
