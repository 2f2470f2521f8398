package io.harmonylite.sample.notes;

/**
 * A row of the {@code notes} table.
 *
 * @param id a random UUID, chosen by the node that created the note
 * @param title the title
 * @param body the text, possibly empty
 * @param updatedAt when the note was last written, in epoch milliseconds
 * @param updatedBy the id of the node that last wrote it
 * @since 0.1.0
 */
public record Note(String id, String title, String body, long updatedAt, long updatedBy) {
}
