/**
 * The HarmonyLite sample application; with the {@code node} profile, the standalone node for any SQLite file.
 */
@NullMarked
package io.harmonylite.sample;

import org.jspecify.annotations.NullMarked;
