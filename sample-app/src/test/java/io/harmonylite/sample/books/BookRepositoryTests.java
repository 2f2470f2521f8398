package io.harmonylite.sample.books;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BookRepository} on two nodes' files: books created without an id on both get different ids, so that neither
 * replaces the other once replicated (SQLite's own choice would be 1 on both).
 */
class BookRepositoryTests {

	@TempDir
	Path dir;

	@Test
	void booksCreatedWithoutAnIdOnTwoNodesShouldGetDifferentIds() {
		Book first = repository("node-1.db").insert(new Book(null, "Dune", "Frank Herbert", 1965));
		Book second = repository("node-2.db").insert(new Book(null, "Emma", "Jane Austen", 1815));

		assertThat(first.id()).isNotEqualTo(second.id()).isPositive().isLessThan(1L << 53);
		assertThat(second.id()).isNotEqualTo(1L).isPositive().isLessThan(1L << 53);
	}

	@Test
	void bookWithAnIdShouldKeepIt() {
		assertThat(repository("node.db").insert(new Book(42L, "Emma", "Jane Austen", 1815)).id()).isEqualTo(42L);
	}

	private BookRepository repository(String file) {
		SQLiteDataSource dataSource = new SQLiteDataSource();
		dataSource.setUrl("jdbc:sqlite:" + this.dir.resolve(file));
		JdbcClient jdbc = JdbcClient.create(dataSource);
		jdbc.sql("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL, "
				+ "publication_year INTEGER)").update();
		return new BookRepository(jdbc);
	}

}
