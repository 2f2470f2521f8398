package io.harmonylite.autoconfigure.events;

import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.apply.ReplicatedChangeListener;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes every change from another node, once committed here, as a {@link ReplicatedChangeEvent}; the engine calls
 * it on its own {@code events} thread.
 */
class ApplicationEventChangeListener implements ReplicatedChangeListener {

	private final ApplicationEventPublisher publisher;

	ApplicationEventChangeListener(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void replicated(ReplicatedChange change) {
		this.publisher.publishEvent(new ReplicatedChangeEvent(change));
	}

}
