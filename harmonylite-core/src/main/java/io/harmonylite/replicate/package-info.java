/**
 * The publisher: sends captured changes to sharded JetStream streams.
 */
@NullMarked
package io.harmonylite.replicate;

import org.jspecify.annotations.NullMarked;
