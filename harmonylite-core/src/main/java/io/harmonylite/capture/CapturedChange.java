package io.harmonylite.capture;

import io.harmonylite.event.ChangeEvent;

/**
 * A pending change read from the change log.
 *
 * @param id the change-log id, the global capture order on this node
 * @param event the change as it is published
 * @since 0.1.0
 */
public record CapturedChange(long id, ChangeEvent event) {

}
