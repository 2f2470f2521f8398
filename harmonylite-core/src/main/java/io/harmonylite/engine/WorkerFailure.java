package io.harmonylite.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * A worker of a running node died.
 *
 * @param nodeId the node
 * @param worker the worker's name: {@code apply}, {@code publisher}, {@code change-notifier} or {@code maintenance}
 * @param message what happened, for people
 * @param error what ended the worker: an {@link Error}, or an {@link IllegalStateException} when it returned
 * although nobody stopped it
 * @param restartIn how long until the worker is restarted
 * @param at when it died
 * @since 0.1.0
 */
public record WorkerFailure(long nodeId, String worker, String message, Throwable error, Duration restartIn,
		Instant at) {
}
