package io.harmonylite.sample.notes;

import org.jspecify.annotations.Nullable;

/**
 * The body of a request that creates or edits a note.
 *
 * @param title the title, required
 * @param body the text, optional
 * @since 0.1.0
 */
public record NoteRequest(@Nullable String title, @Nullable String body) {

	/** Longest title accepted. */
	static final int MAX_TITLE = 200;

	/** Longest text accepted. */
	static final int MAX_BODY = 10_000;

	/**
	 * What is wrong with this request.
	 * @return a message for the user, or {@code null} when the request is valid
	 */
	@Nullable String problem() {
		if (this.title == null || this.title.isBlank()) {
			return "A note needs a title.";
		}
		if (this.title.length() > MAX_TITLE) {
			return "The title is longer than " + MAX_TITLE + " characters.";
		}
		if (this.body != null && this.body.length() > MAX_BODY) {
			return "The text is longer than " + MAX_BODY + " characters.";
		}
		return null;
	}

	String titleOrEmpty() {
		return (this.title != null) ? this.title.strip() : "";
	}

	String bodyOrEmpty() {
		return (this.body != null) ? this.body : "";
	}

}
