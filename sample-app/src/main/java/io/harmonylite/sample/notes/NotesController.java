package io.harmonylite.sample.notes;

import java.net.URI;
import java.util.List;
import java.util.Map;


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
 * JSON API of the notes page: {@code /api/notes} and {@code /api/notes/{id}}. Invalid requests get a 400 with an
 * {@code error} message the page shows as it is.
 */
@RestController
@RequestMapping("/api/notes")
class NotesController {

	private final NoteRepository notes;

	NotesController(NoteRepository notes) {
		this.notes = notes;
	}

	@GetMapping
	List<Note> list() {
		return this.notes.findAll();
	}

	@GetMapping("/{id}")
	ResponseEntity<Note> get(@PathVariable String id) {
		return ResponseEntity.of(this.notes.findById(id));
	}

	@PostMapping
	ResponseEntity<?> create(@RequestBody NoteRequest request) {
		String problem = request.problem();
		if (problem != null) {
			return ResponseEntity.badRequest().body(Map.of("error", problem));
		}
		Note created = this.notes.insert(request);
		return ResponseEntity.created(URI.create("/api/notes/" + created.id())).body(created);
	}

	@PutMapping("/{id}")
	ResponseEntity<?> update(@PathVariable String id, @RequestBody NoteRequest request) {
		String problem = request.problem();
		if (problem != null) {
			return ResponseEntity.badRequest().body(Map.of("error", problem));
		}
		return ResponseEntity.of(this.notes.update(id, request));
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable String id) {
		return this.notes.delete(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
	}

}
