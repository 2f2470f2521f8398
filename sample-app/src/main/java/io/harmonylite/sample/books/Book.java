package io.harmonylite.sample.books;

import org.jspecify.annotations.Nullable;

/**
 * A row of the {@code Books} table.
 *
 * @param id the primary key; {@code null} in a request that lets the database choose it
 * @param title the title
 * @param author the author
 * @param publicationYear the year of publication, if known
 * @since 0.1.0
 */
public record Book(@Nullable Long id, String title, String author, @Nullable Integer publicationYear) {

	Book withId(long id) {
		return new Book(id, this.title, this.author, this.publicationYear);
	}

}
