/**
 * The engine: configuration, startup and shutdown of one replicating node.
 */
@NullMarked
package io.harmonylite.engine;

import org.jspecify.annotations.NullMarked;
