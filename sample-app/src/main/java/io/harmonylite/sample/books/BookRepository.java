package io.harmonylite.sample.books;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;


import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes the {@code Books} table with plain SQL; HarmonyLite's triggers capture every write.
 */
@Repository
class BookRepository {

	private static final String COLUMNS = "id, title, author, publication_year";

	/** Random ids stay below 2^53, so that JavaScript clients read them exactly. */
	private static final long MAX_RANDOM_ID = 1L << 53;

	private final JdbcClient jdbc;

	BookRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	List<Book> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM Books ORDER BY id").query(Book.class).list();
	}

	Optional<Book> findById(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM Books WHERE id = ?").param(id).query(Book.class).optional();
	}

	/**
	 * Inserts a book; one without an id gets a random one. SQLite's own choice (the largest id plus one) would give
	 * two books created at the same time on two nodes the same id, and the later write would replace the other book
	 * on every node.
	 */
	Book insert(Book book) {
		long chosen = (book.id() != null) ? book.id() : ThreadLocalRandom.current().nextLong(1, MAX_RANDOM_ID);
		long id = this.jdbc.sql("INSERT INTO Books (id, title, author, publication_year) VALUES (?, ?, ?, ?) RETURNING id")
			.params(chosen, book.title(), book.author(), book.publicationYear())
			.query(Long.class)
			.single();
		return book.withId(id);
	}

	boolean update(long id, Book book) {
		return this.jdbc.sql("UPDATE Books SET title = ?, author = ?, publication_year = ? WHERE id = ?")
			.params(book.title(), book.author(), book.publicationYear(), id)
			.update() == 1;
	}

	boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM Books WHERE id = ?").param(id).update() == 1;
	}

}
