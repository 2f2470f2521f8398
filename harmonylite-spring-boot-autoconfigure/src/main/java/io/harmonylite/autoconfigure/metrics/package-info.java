/**
 * Micrometer metrics of the HarmonyLite engine.
 */
@NullMarked
package io.harmonylite.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
