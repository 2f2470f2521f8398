/**
 * The HarmonyLite sample application: the Books API and the notes page on a replicated SQLite database.
 */
@NullMarked
package io.harmonylite.sample;

import org.jspecify.annotations.NullMarked;
