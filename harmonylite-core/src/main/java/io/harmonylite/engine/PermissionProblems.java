package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * A subject the NATS server refused this node's user lately: what needs it (changes, buckets, snapshots) silently
 * fails until the user gets the permission, so the node says which subject to add.
 */
final class PermissionProblems implements ProblemSource {

	/** How long after the last refusal the problem is reported (each refused publish or subscribe renews it). */
	static final Duration REPORTED_FOR = Duration.ofMinutes(5);

	private final Supplier<Optional<Refusal>> lastDenial;

	private final Clock clock;

	/**
	 * Creates the source.
	 * @param lastDenial the last subject the server refused (read from the NATS connection by the node assembly)
	 * @param clock the clock
	 */
	PermissionProblems(Supplier<Optional<Refusal>> lastDenial, Clock clock) {
		this.lastDenial = lastDenial;
		this.clock = clock;
	}

	@Override
	public List<Problem> problems() {
		return this.lastDenial.get()
			.filter((denial) -> Duration.between(denial.at(), this.clock.instant()).compareTo(REPORTED_FOR) < 0)
			.map((denial) -> List.of(new Problem(ProblemKind.NATS_PERMISSION_DENIED, Severity.DOWN,
					"subject " + denial.subject(),
					"the NATS server refused this node's user to " + denial.operation().toLowerCase() + " to "
							+ denial.subject() + " (Permissions Violation); what needs it is not sent or received. "
							+ "Give the user that permission (docs/nats.md, Authentication, lists every subject)",
					denial.at())))
			.orElse(List.of());
	}

	/**
	 * A subject the NATS server refused this node's user.
	 * @param operation {@code Publish} or {@code Subscription}
	 * @param subject the subject
	 * @param at when the server said so
	 */
	record Refusal(String operation, String subject, Instant at) {
	}

}
