/**
 * The standalone node's one-shot commands ({@code --schema-status}, {@code --schema-status-cluster}, {@code --cleanup},
 * {@code --version}), answered without starting replication.
 */
@NullMarked
package io.harmonylite.node.cli;

import org.jspecify.annotations.NullMarked;
