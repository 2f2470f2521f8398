/**
 * Change capture: triggers, the change log, and reading pending changes.
 */
@NullMarked
package io.harmonylite.capture;

import org.jspecify.annotations.NullMarked;
