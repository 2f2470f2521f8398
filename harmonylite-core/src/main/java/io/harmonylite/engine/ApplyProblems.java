package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import io.harmonylite.apply.ApplyLoop;
import io.harmonylite.apply.BlockedMessage;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;

/**
 * Shard heads that keep failing to apply: a message the apply loop has retried for longer than {@link #FAILING}
 * (a locked or full disk) is a {@link ProblemKind#SHARD_HEAD_FAILING} problem naming the shard, the position, the
 * table and the error, until it is applied or skipped; so is each shard of a batch whose attempt has lasted longer
 * than that (it waits for the database, e.g. another connection holds its write lock), before any error. A shard held
 * by a schema mismatch is no such problem: its state says so already.
 */
final class ApplyProblems implements ProblemSource {

	/** How long the apply loop may keep retrying a shard's head before the node reports it. */
	static final Duration FAILING = Duration.ofSeconds(10);

	private final Supplier<Map<Integer, BlockedMessage>> blocked;

	private final Supplier<Optional<ApplyLoop.Attempt>> inProgress;

	private final IntPredicate pausedBySchema;

	private final Clock clock;

	/**
	 * Creates the source.
	 * @param blocked the message each shard waits on (the apply loop's)
	 * @param inProgress the batch the apply loop is applying
	 * @param pausedBySchema whether a schema mismatch holds a shard
	 * @param clock the clock
	 */
	ApplyProblems(Supplier<Map<Integer, BlockedMessage>> blocked, Supplier<Optional<ApplyLoop.Attempt>> inProgress,
			IntPredicate pausedBySchema, Clock clock) {
		this.blocked = blocked;
		this.inProgress = inProgress;
		this.pausedBySchema = pausedBySchema;
		this.clock = clock;
	}

	@Override
	public List<Problem> problems() {
		Instant now = this.clock.instant();
		List<Problem> problems = new ArrayList<>();
		Map<Integer, BlockedMessage> blocked = this.blocked.get();
		this.inProgress.get()
			.filter((attempt) -> Duration.between(attempt.since(), now).compareTo(FAILING) > 0)
			.ifPresent((attempt) -> attempt.heads().forEach((shard, head) -> {
				if (!blocked.containsKey(shard)) {
					problems.add(new Problem(ProblemKind.SHARD_HEAD_FAILING, Severity.DEGRADED, "shard " + shard,
							"the batch holding the change at sequence " + head.sequence() + " of stream "
									+ head.stream() + " has been applying for "
									+ Duration.between(attempt.since(), now).toSeconds() + " s: it waits for the "
									+ "database (another connection holds its write lock, e.g. an open transaction in "
									+ "sqlite3, or the disk is slow); nothing of this shard is applied meanwhile",
							attempt.since()));
				}
			}));
		for (BlockedMessage head : blocked.values()) {
			Duration failed = Duration.between(head.since(), now);
			if (this.pausedBySchema.test(head.shard()) || failed.compareTo(FAILING) <= 0) {
				continue;
			}
			problems.add(new Problem(ProblemKind.SHARD_HEAD_FAILING, Severity.DEGRADED, "shard " + head.shard(),
					"the change at sequence " + head.sequence() + " of stream " + head.stream() + " (table "
							+ head.table() + ") has waited " + failed.toSeconds() + " s: " + head.reason()
							+ "; nothing of this shard is applied behind it. A locked or full disk clears by itself; "
							+ "otherwise show or skip it with the shard operations",
					head.since()));
		}
		return problems;
	}

}
