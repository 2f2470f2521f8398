/**
 * Taking and restoring database snapshots.
 */
@NullMarked
package io.harmonylite.snapshot;

import org.jspecify.annotations.NullMarked;
