/**
 * Changes from other nodes published to the application as Spring {@code ApplicationEvent}s.
 */
@NullMarked
package io.harmonylite.autoconfigure.events;

import org.jspecify.annotations.NullMarked;
