package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.harmonylite.apply.ApplyListener;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import io.harmonylite.event.ChangeEvent;
import org.jspecify.annotations.Nullable;

/**
 * The head of a shard that keeps failing to apply: listens to the apply loop, and reports a batch that has failed
 * (and been retried) for longer than {@link #FAILING} as a {@link ProblemKind#SHARD_HEAD_FAILING} problem naming the
 * shard, stream position and error, until a batch is applied or dead-lettered again.
 */
final class ApplyProblems implements ApplyListener, ProblemSource {

	/** How long the apply loop may keep retrying a batch before the node reports it. */
	static final Duration FAILING = Duration.ofSeconds(10);

	private final Clock clock;

	private volatile @Nullable Failing failing;

	/**
	 * Creates the source.
	 * @param clock the clock
	 */
	ApplyProblems(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void batchFailed(ReceivedMessage head, RuntimeException failure) {
		Failing current = this.failing;
		Instant since = (current != null && current.head().position().equals(head.position())) ? current.since()
				: this.clock.instant();
		this.failing = new Failing(head, since, failure.getMessage());
	}

	@Override
	public void applied(ChangeEvent event, Duration lag) {
		this.failing = null;
	}

	@Override
	public void batchApplied(int size, Duration duration) {
		this.failing = null;
	}

	@Override
	public void deadLettered(ReceivedMessage message, String reason) {
		this.failing = null;
	}

	@Override
	public List<Problem> problems() {
		Failing current = this.failing;
		if (current == null) {
			return List.of();
		}
		Duration failed = Duration.between(current.since(), this.clock.instant());
		if (failed.compareTo(FAILING) <= 0) {
			return List.of();
		}
		return List.of(new Problem(ProblemKind.SHARD_HEAD_FAILING, Severity.DEGRADED, "shard " + current.head().shard(),
				"the change at sequence " + current.head().position().sequence() + " of stream "
						+ current.head().position().stream() + " has failed to apply for " + failed.toSeconds()
						+ " s and is retried; nothing of this shard is applied behind it. Last error: "
						+ current.error() + ". A locked or full disk clears by itself; otherwise see the apply WARNs",
				current.since()));
	}

	/**
	 * The batch that fails.
	 *
	 * @param head its first message
	 * @param since when it first failed
	 * @param error the last error's message
	 */
	private record Failing(ReceivedMessage head, Instant since, @Nullable String error) {
	}

}
