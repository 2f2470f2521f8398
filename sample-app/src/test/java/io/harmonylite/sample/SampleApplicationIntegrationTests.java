package io.harmonylite.sample;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.sample.books.Book;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the Books demo on a temporary database file and exercises it over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Closed after the class, before its temporary directory (with the node\'s nats-server store) is deleted.
@DirtiesContext
class SampleApplicationIntegrationTests {

	@TempDir
	static Path tempDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("harmonylite.db-path", () -> tempDir.resolve("books.db").toString());
		registry.add("harmonylite.nats.embedded.port", () -> 0);
		registry.add("harmonylite.nats.embedded.store-dir", () -> tempDir.resolve("nats").toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	HarmonyLiteEngine engine;

	@Autowired
	JdbcClient jdbc;

	@Test
	void contextStartsEngineOnTheDatabaseFile() {
		assertThat(this.engine.isRunning()).isTrue();
		assertThat(this.engine.config().dbPath()).isEqualTo(tempDir.resolve("books.db"));
		assertThat(this.engine.config().ignoreTables()).containsExactly("flyway_schema_history", "DATABASECHANGELOG",
				"DATABASECHANGELOGLOCK");
	}

	@Test
	void dataSourceUsesTheSameFileInWalModeWithBusyTimeout() {
		String file = this.jdbc.sql("SELECT file FROM pragma_database_list WHERE name = 'main'")
			.query(String.class)
			.single();
		assertThat(Path.of(file)).isEqualTo(tempDir.resolve("books.db").toAbsolutePath());
		assertThat(this.jdbc.sql("PRAGMA journal_mode").query(String.class).single()).isEqualToIgnoringCase("wal");
		assertThat(this.jdbc.sql("PRAGMA busy_timeout").query(Integer.class).single()).isEqualTo(30000);
	}

	@Test
	void flywayCreatesBooksTable() {
		List<String> columns = this.jdbc.sql("SELECT name FROM pragma_table_info('Books') ORDER BY cid")
			.query(String.class)
			.list();
		assertThat(columns).containsExactly("id", "title", "author", "publication_year");
	}

	@Test
	void booksApiCreatesReadsUpdatesAndDeletesBooks() {
		RestClient client = RestClient.create("http://localhost:" + this.port);

		ResponseEntity<Book> created = client.post()
			.uri("/books")
			.body(new Book(null, "Dune", "Frank Herbert", 1965))
			.retrieve()
			.toEntity(Book.class);
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		Book book = created.getBody();
		assertThat(book).isNotNull();
		assertThat(book.id()).isNotNull();
		assertThat(created.getHeaders().getLocation()).hasPath("/books/" + book.id());

		List<Book> listed = client.get().uri("/books").retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(listed).contains(book);

		Book updated = new Book(book.id(), "Dune", "Frank Herbert", 1966);
		client.put().uri("/books/{id}", book.id()).body(updated).retrieve().toBodilessEntity();
		assertThat(client.get().uri("/books/{id}", book.id()).retrieve().body(Book.class)).isEqualTo(updated);

		ResponseEntity<Void> deleted = client.delete().uri("/books/{id}", book.id()).retrieve().toBodilessEntity();
		assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		HttpStatus afterDelete = client.get()
			.uri("/books/{id}", book.id())
			.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));
		assertThat(afterDelete).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void booksApiRejectsBookWithoutTitle() {
		RestClient client = RestClient.create("http://localhost:" + this.port);

		HttpStatus status = client.post()
			.uri("/books")
			.body(new Book(null, "", "Anonymous", null))
			.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));

		assertThat(status).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void actuatorExposesHealthAndPrometheus() {
		RestClient client = RestClient.create("http://localhost:" + this.port);

		assertThat(client.get().uri("/actuator/health").retrieve().body(String.class)).contains("\"status\":\"UP\"");
		assertThat(client.get().uri("/actuator/prometheus").retrieve().body(String.class))
			.contains("jvm_memory_used_bytes");
	}

}
