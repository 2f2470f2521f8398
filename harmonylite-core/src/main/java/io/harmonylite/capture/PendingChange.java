package io.harmonylite.capture;

import java.time.Instant;

/**
 * The oldest change of the change log not yet acknowledged by JetStream.
 *
 * @param id its change-log id
 * @param table the table it changed
 * @param capturedAt when the trigger captured it
 * @since 0.1.0
 */
public record PendingChange(long id, String table, Instant capturedAt) {

}
