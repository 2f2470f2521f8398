/**
 * The {@code harmonylite} Actuator endpoint: the node's replication and schema state as JSON.
 */
@NullMarked
package io.harmonylite.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
