package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.event.ChangeEvent;

/**
 * Calls several {@link ApplyListener}s in turn.
 */
record CompositeApplyListener(List<ApplyListener> listeners) implements ApplyListener {

	CompositeApplyListener {
		listeners = List.copyOf(listeners);
	}

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		this.listeners.forEach((listener) -> listener.applied(event, lag));
	}

	@Override
	public void batchApplied(int size, Duration duration) {
		this.listeners.forEach((listener) -> listener.batchApplied(size, duration));
	}

	@Override
	public void deadLettered(ReceivedMessage message, String reason) {
		this.listeners.forEach((listener) -> listener.deadLettered(message, reason));
	}

	@Override
	public void quarantined(ReceivedMessage message, String schemaHash) {
		this.listeners.forEach((listener) -> listener.quarantined(message, schemaHash));
	}

}
