package io.harmonylite.sample.notes;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.autoconfigure.events.ReplicatedChangeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes every note written on another node, once it is replicated here, to the open notes pages as a Server-Sent
 * Event {@code note-changed}, so that they show it at once.
 */
@Component
class NoteEvents {

	private static final Logger logger = LoggerFactory.getLogger(NoteEvents.class);

	private final List<SseEmitter> pages = new CopyOnWriteArrayList<>();

	/**
	 * Opens the event stream of one page.
	 * @return the stream, open until the page goes away or the application stops
	 */
	SseEmitter subscribe() {
		SseEmitter page = new SseEmitter(0L);
		page.onCompletion(() -> this.pages.remove(page));
		page.onTimeout(() -> this.pages.remove(page));
		page.onError((ex) -> this.pages.remove(page));
		try {
			// A first line sends the response headers now, so that the page knows at once that it is connected.
			page.send(SseEmitter.event().comment("connected"));
		}
		catch (IOException ex) {
			page.completeWithError(ex);
			return page;
		}
		this.pages.add(page);
		return page;
	}

	@EventListener(condition = "#event.table.equalsIgnoreCase('notes')")
	void noteReplicated(ReplicatedChangeEvent event) {
		NoteChange change = new NoteChange(String.valueOf(event.getKey().get("id")), event.getOperation().name(),
				event.getOriginNodeId());
		for (SseEmitter page : this.pages) {
			try {
				page.send(SseEmitter.event().name("note-changed").data(change));
			}
			catch (IOException | IllegalStateException ex) {
				logger.debug("A notes page went away: {}", ex.getMessage());
				this.pages.remove(page);
			}
		}
	}

	/**
	 * Ends the open streams first: the web server's graceful shutdown would otherwise wait for them.
	 */
	@EventListener(ContextClosedEvent.class)
	void closeStreams() {
		this.pages.forEach(SseEmitter::complete);
		this.pages.clear();
	}

	/**
	 * What a page is told about a replicated note.
	 *
	 * @param id the note's id
	 * @param operation {@code INSERT}, {@code UPDATE} or {@code DELETE}
	 * @param originNodeId the node where it was written
	 */
	record NoteChange(String id, String operation, long originNodeId) {
	}

}
