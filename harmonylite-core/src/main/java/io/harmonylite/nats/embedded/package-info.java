/**
 * The {@code nats-server} a node runs itself when no external servers are configured: its configuration, the process
 * and the supervisor that restarts it when it dies.
 */
@NullMarked
package io.harmonylite.nats.embedded;

import org.jspecify.annotations.NullMarked;
