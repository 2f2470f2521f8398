package io.harmonylite.apply;

import java.util.Objects;

import io.harmonylite.event.ChangeEvent;
import org.jspecify.annotations.Nullable;

/**
 * A change event together with the stream position it was received at.
 *
 * @param event the change
 * @param position where the change sits in its stream
 * @param origin where its message comes from, {@code null} when unknown
 * @since 0.1.0
 */
public record PositionedChange(ChangeEvent event, StreamPosition position, @Nullable MessageOrigin origin) {

	public PositionedChange {
		Objects.requireNonNull(event, "event");
		Objects.requireNonNull(position, "position");
	}

	/**
	 * A change of unknown origin.
	 * @param event the change
	 * @param position where the change sits in its stream
	 */
	public PositionedChange(ChangeEvent event, StreamPosition position) {
		this(event, position, null);
	}

}
