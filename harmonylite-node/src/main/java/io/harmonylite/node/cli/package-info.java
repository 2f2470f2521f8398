/**
 * The standalone node's one-shot commands ({@code --schema-status}, {@code --schema-status-cluster}, {@code --cleanup},
 * {@code --list-snapshots}, {@code --save-snapshot}, {@code --restore-snapshot}, {@code --list-dead-letters},
 * {@code --reapply-dead-letters}, {@code --show-blocked}, {@code --skip-blocked}, {@code --version}), answered without
 * starting replication.
 */
@NullMarked
package io.harmonylite.node.cli;

import org.jspecify.annotations.NullMarked;
