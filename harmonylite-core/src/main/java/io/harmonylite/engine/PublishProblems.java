package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.capture.PendingChange;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * The node's problems with sending its own changes: changes that have waited longer than {@link #UNACKNOWLEDGED} for
 * JetStream's acknowledgement (counted from the capture, or from the node's start for older ones), and changes marked
 * failed, which can never be sent; each names its table.
 */
final class PublishProblems implements ProblemSource {

	/** How long a captured change may wait for its acknowledgement before the node reports it. */
	static final Duration UNACKNOWLEDGED = Duration.ofSeconds(30);

	private final CaptureState capture;

	private final boolean publishing;

	private final Instant startedAt;

	private final Clock clock;

	/**
	 * Creates the source.
	 * @param capture the change log
	 * @param publishing whether the node sends its changes ({@code harmonylite.publish}); when not, pending changes
	 * wait by design and are no problem
	 * @param clock the clock; the node starts now
	 */
	PublishProblems(CaptureState capture, boolean publishing, Clock clock) {
		this.capture = capture;
		this.publishing = publishing;
		this.clock = clock;
		this.startedAt = clock.instant();
	}

	@Override
	public List<Problem> problems() {
		List<Problem> problems = new ArrayList<>();
		PendingChange oldest = this.publishing ? this.capture.oldestPending() : null;
		if (oldest != null) {
			Instant since = oldest.capturedAt().isAfter(this.startedAt) ? oldest.capturedAt() : this.startedAt;
			Duration waited = Duration.between(since, this.clock.instant());
			if (waited.compareTo(UNACKNOWLEDGED) > 0) {
				problems.add(new Problem(ProblemKind.CHANGES_UNACKNOWLEDGED, Severity.DEGRADED,
						"table " + oldest.table(),
						this.capture.pendingChanges() + " change(s), of all tables, wait for JetStream's "
								+ "acknowledgement, the oldest (change " + oldest.id() + ", of this table) for " + waited.toSeconds() + " s; they are retried "
								+ "and kept until acknowledged. See the publisher's WARNs for why: JetStream, or this "
								+ "node recording them (SQLITE_FULL: a full disk here)",
						since));
			}
		}
		for (Map.Entry<String, Long> failed : this.capture.failedByTable().entrySet()) {
			problems.add(new Problem(ProblemKind.CHANGES_FAILED, Severity.DEGRADED, "table " + failed.getKey(),
					failed.getValue() + " change(s) can never be published (marked failed in the change log; the "
							+ "ERROR 'cannot be replicated' names each key); other nodes lack them. Write the rows "
							+ "again once the cause is fixed, then clear them with UPDATE __harmonylite__change_log "
							+ "SET state = 1 WHERE state = 2 (do not delete them: the log's last id must stay, or the "
							+ "next change reuses it and is never sent)",
					null));
		}
		return problems;
	}

}
