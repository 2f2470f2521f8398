/**
 * The {@code harmonylite} health indicator.
 */
@NullMarked
package io.harmonylite.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
