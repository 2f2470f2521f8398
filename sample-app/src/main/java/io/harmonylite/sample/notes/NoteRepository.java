package io.harmonylite.sample.notes;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;


import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes the {@code notes} table with plain SQL; HarmonyLite's triggers capture every write.
 */
@Repository
class NoteRepository {

	private static final String COLUMNS = "id, title, body, updated_at, updated_by";

	private final JdbcClient jdbc;

	private final long nodeId;

	private final Clock clock;

	@Autowired
	NoteRepository(JdbcClient jdbc, @Value("${harmonylite.node-id:0}") long nodeId) {
		this(jdbc, nodeId, Clock.systemUTC());
	}

	NoteRepository(JdbcClient jdbc, long nodeId, Clock clock) {
		this.jdbc = jdbc;
		this.nodeId = nodeId;
		this.clock = clock;
	}

	List<Note> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM notes ORDER BY updated_at DESC, id").query(Note.class).list();
	}

	Optional<Note> findById(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM notes WHERE id = ?").param(id).query(Note.class).optional();
	}

	Note insert(NoteRequest request) {
		Note note = new Note(UUID.randomUUID().toString(), request.titleOrEmpty(), request.bodyOrEmpty(),
				this.clock.millis(), this.nodeId);
		this.jdbc.sql("INSERT INTO notes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")
			.params(note.id(), note.title(), note.body(), note.updatedAt(), note.updatedBy())
			.update();
		return note;
	}

	Optional<Note> update(String id, NoteRequest request) {
		Note note = new Note(id, request.titleOrEmpty(), request.bodyOrEmpty(), this.clock.millis(), this.nodeId);
		int updated = this.jdbc.sql("UPDATE notes SET title = ?, body = ?, updated_at = ?, updated_by = ? WHERE id = ?")
			.params(note.title(), note.body(), note.updatedAt(), note.updatedBy(), id)
			.update();
		return (updated == 1) ? Optional.of(note) : Optional.empty();
	}

	boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM notes WHERE id = ?").param(id).update() == 1;
	}

}
