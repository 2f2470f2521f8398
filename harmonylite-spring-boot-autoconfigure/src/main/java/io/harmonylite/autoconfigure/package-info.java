/**
 * Auto-configuration of the HarmonyLite engine: properties, engine bean, lifecycle and startup diagnostics.
 */
@NullMarked
package io.harmonylite.autoconfigure;

import org.jspecify.annotations.NullMarked;
