/**
 * Everything that talks to NATS: connections, streams, KV registry, object store, embedded server.
 */
@NullMarked
package io.harmonylite.nats;

import org.jspecify.annotations.NullMarked;
