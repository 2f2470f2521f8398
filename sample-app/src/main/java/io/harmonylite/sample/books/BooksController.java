package io.harmonylite.sample.books;

import java.net.URI;
import java.util.List;


import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * REST API over the {@code Books} table: {@code /books} and {@code /books/{id}}.
 */
@RestController
@RequestMapping("/books")
class BooksController {

	private final BookRepository books;

	BooksController(BookRepository books) {
		this.books = books;
	}

	@GetMapping
	List<Book> list() {
		return this.books.findAll();
	}

	@GetMapping("/{id}")
	ResponseEntity<Book> get(@PathVariable long id) {
		return ResponseEntity.of(this.books.findById(id));
	}

	@PostMapping
	ResponseEntity<Book> create(@RequestBody Book book) {
		if (!isValid(book)) {
			return ResponseEntity.badRequest().build();
		}
		Book created = this.books.insert(book);
		return ResponseEntity.created(URI.create("/books/" + created.id())).body(created);
	}

	@PutMapping("/{id}")
	ResponseEntity<Book> update(@PathVariable long id, @RequestBody Book book) {
		if (!isValid(book)) {
			return ResponseEntity.badRequest().build();
		}
		if (!this.books.update(id, book)) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok(book.withId(id));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id) {
		return this.books.delete(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
	}

	// JSON may omit the required columns; answer 400 instead of a NOT NULL failure.
	@SuppressWarnings("ConstantValue")
	private static boolean isValid(Book book) {
		return book.title() != null && !book.title().isBlank() && book.author() != null && !book.author().isBlank();
	}

}
