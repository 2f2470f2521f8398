package io.harmonylite.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.harmonylite.sample.notes.Note;
import io.harmonylite.sample.notes.NodeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes page's JSON API and static files, on a temporary database with an embedded nats-server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Closed after the class, before its temporary directory (with the node\'s nats-server store) is deleted.
@DirtiesContext
class NotesApiIntegrationTests {

	@TempDir
	static Path tempDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("harmonylite.node-id", () -> 7);
		registry.add("harmonylite.db-path", () -> tempDir.resolve("notes.db").toString());
		registry.add("harmonylite.nats.embedded.port", () -> 0);
		registry.add("harmonylite.nats.embedded.store-dir", () -> tempDir.resolve("nats").toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	private RestClient client() {
		return RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void flywayCreatesNotesTableWithTextIds() {
		List<String> columns = this.jdbc.sql("SELECT name || ' ' || type FROM pragma_table_info('notes') ORDER BY cid")
			.query(String.class)
			.list();
		assertThat(columns).containsExactly("id TEXT", "title TEXT", "body TEXT", "updated_at INTEGER",
				"updated_by INTEGER");
	}

	@Test
	void notesApiCreatesListsEditsAndDeletesNotes() {
		ResponseEntity<Note> created = client().post()
			.uri("/api/notes")
			.body(Map.of("title", "  Groceries ", "body", "Milk"))
			.retrieve()
			.toEntity(Note.class);
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		Note note = created.getBody();
		assertThat(note).isNotNull();
		assertThat(note.id()).hasSize(36);
		assertThat(note.title()).isEqualTo("Groceries");
		assertThat(note.updatedBy()).isEqualTo(7);
		assertThat(created.getHeaders().getLocation()).hasPath("/api/notes/" + note.id());

		List<Note> listed = client().get().uri("/api/notes").retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(listed).contains(note);

		Note edited = client().put()
			.uri("/api/notes/{id}", note.id())
			.body(Map.of("title", "Groceries", "body", "Milk, bread"))
			.retrieve()
			.body(Note.class);
		assertThat(edited).isNotNull();
		assertThat(client().get().uri("/api/notes/{id}", note.id()).retrieve().body(Note.class)).isEqualTo(edited);
		assertThat(edited.body()).isEqualTo("Milk, bread");

		ResponseEntity<Void> deleted = client().delete().uri("/api/notes/{id}", note.id()).retrieve().toBodilessEntity();
		assertThat(deleted.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(status("GET", "/api/notes/" + note.id())).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void notesApiRejectsNoteWithoutTitleWithAMessage() {
		String body = client().post()
			.uri("/api/notes")
			.body(Map.of("title", " ", "body", "text"))
			.exchange((request, response) -> response.getStatusCode().value() + " "
					+ new String(response.getBody().readAllBytes()));
		assertThat(body).isEqualTo("400 {\"error\":\"A note needs a title.\"}");
	}

	@Test
	void notesApiAnswersNotFoundForUnknownNote() {
		assertThat(status("DELETE", "/api/notes/unknown")).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void nodeApiShowsServingNodeAndReplicationStatus() {
		NodeView node = client().get().uri("/api/node").retrieve().body(NodeView.class);
		assertThat(node).isNotNull();
		assertThat(node.nodeId()).isEqualTo(7);
		assertThat(node.state()).isEqualTo("RUNNING");
		assertThat(node.natsConnected()).isTrue();
		assertThat(node.schemaHash()).hasSize(8);
		assertThat(node.shards()).singleElement().satisfies((shard) -> {
			assertThat(shard.shard()).isZero();
			assertThat(shard.paused()).isFalse();
		});
	}

	@Test
	void notesPageIsServedAtTheRoot() {
		String page = client().get().uri("/").retrieve().body(String.class);
		assertThat(page).contains("<title>HarmonyLite notes</title>", "notes.js", "<label for=\"note-title\">");
		assertThat(client().get().uri("/notes.js").retrieve().body(String.class)).contains("/api/notes", "/api/node");
	}

	private HttpStatus status(String method, String path) {
		return client().method(HttpMethod.valueOf(method))
			.uri(path)
			.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));
	}

}
