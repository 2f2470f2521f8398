/**
 * Conflict resolution: versions of rows and columns, the merge rule that decides which write wins, and the recording
 * of local changes so that they take part in those decisions before their echo comes back from the stream.
 */
@NullMarked
package io.harmonylite.conflict;

import org.jspecify.annotations.NullMarked;
