/**
 * Opening SQLite connections the way HarmonyLite needs them, and quoting identifiers.
 */
@NullMarked
package io.harmonylite.sqlite;

import org.jspecify.annotations.NullMarked;
