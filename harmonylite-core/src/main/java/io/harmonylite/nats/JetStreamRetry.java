package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.harmonylite.HarmonyLiteException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a JetStream call that fails transiently, with growing pauses, until a deadline. Transient are: a request
 * that timed out or found no responders, JetStream "temporarily unavailable" (10008), no leader or a leader election
 * in progress, an offline stream or consumer, and placement that lacks peers while a cluster forms. Any other failure
 * is thrown at once, for the caller to explain; when the deadline passes the call fails with what to check.
 *
 * @since 0.1.0
 */
public final class JetStreamRetry {

	private static final Logger logger = LoggerFactory.getLogger(JetStreamRetry.class);

	/** JetStream error codes that a later attempt may not get: see nats-server's {@code errors.json}. */
	private static final Set<Integer> TRANSIENT_API_ERRORS = Set.of(10005, // no suitable peers for placement
			10007, // cluster not assigned to this server
			10008, // JetStream system temporarily unavailable
			10009, // cluster can not handle request (no leader)
			10023, // insufficient resources (peers still joining)
			10118, // stream is offline
			10119); // consumer is offline

	private static final int SERVICE_UNAVAILABLE = 503;

	private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_PAUSE = Duration.ofMillis(500);

	private static final Duration QUIET = Duration.ofSeconds(10);

	/** The fix a failure names when the caller has nothing more specific. */
	public static final String CHECK_CLUSTER = "Check that the NATS servers run with JetStream enabled and that a "
			+ "majority of the cluster's servers is up and routed to each other (their logs; for embedded servers "
			+ "harmonylite.nats.embedded.cluster-addr and cluster-peers on every node).";

	private final Duration deadline;

	private final String check;

	private final Duration firstPause;

	private final Duration maxPause;

	private final BooleanSupplier hopeless;

	/**
	 * Retries until the given deadline, pausing 100 ms at first and at most 500 ms: a JetStream that comes back (a
	 * leader elected after a partition) is used within half a second.
	 * @param deadline how long to keep trying from the first attempt
	 * @param check what to check when JetStream stays unavailable, e.g. {@link #CHECK_CLUSTER}
	 */
	public JetStreamRetry(Duration deadline, String check) {
		this(deadline, check, FIRST_PAUSE, MAX_PAUSE, () -> false);
	}

	JetStreamRetry(Duration deadline, String check, Duration firstPause, Duration maxPause) {
		this(deadline, check, firstPause, maxPause, () -> false);
	}

	private JetStreamRetry(Duration deadline, String check, Duration firstPause, Duration maxPause,
			BooleanSupplier hopeless) {
		this.deadline = deadline;
		this.check = check;
		this.firstPause = firstPause;
		this.maxPause = maxPause;
		this.hopeless = hopeless;
	}

	/**
	 * The deadline of each call.
	 * @return how long a call keeps trying
	 */
	public Duration deadline() {
		return this.deadline;
	}

	/**
	 * The same retries with another deadline.
	 * @param otherDeadline how long to keep trying
	 * @return the retry
	 */
	public JetStreamRetry withDeadline(Duration otherDeadline) {
		return new JetStreamRetry(otherDeadline, this.check, this.firstPause, this.maxPause, this.hopeless);
	}

	/**
	 * The same retries, given up before the deadline once a condition shows that waiting cannot help (e.g. the
	 * cluster refuses this node's server); the call then fails as at the deadline, for the caller to explain.
	 * @param condition checked after each transient failure
	 * @return the retry
	 */
	public JetStreamRetry givingUpWhen(BooleanSupplier condition) {
		return new JetStreamRetry(this.deadline, this.check, this.firstPause, this.maxPause, condition);
	}

	/**
	 * Runs a call, retrying transient failures until the deadline.
	 * @param <T> the call's result
	 * @param action what the call does, for messages, e.g. {@code create stream harmonylite-changes-0}
	 * @param call the call
	 * @return the call's result
	 * @throws IOException a failure that is not transient, as the call threw it
	 * @throws JetStreamApiException a failure that is not transient, as the call threw it
	 * @throws JetStreamNotReadyException when the call still fails transiently at the deadline
	 */
	public <T> T call(String action, Call<T> call) throws IOException, JetStreamApiException {
		long start = System.nanoTime();
		long end = start + this.deadline.toNanos();
		long lastLog = start;
		Duration pause = this.firstPause;
		for (int attempt = 1;; attempt++) {
			Exception failure;
			try {
				return call.call();
			}
			catch (IOException | JetStreamApiException | JetStreamStatusException ex) {
				if (!isTransient(ex)) {
					throw ex;
				}
				failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new HarmonyLiteException("Interrupted while trying to " + action, ex);
			}
			long now = System.nanoTime();
			if (this.hopeless.getAsBoolean()) {
				throw new JetStreamNotReadyException("Could not " + action + ": gave up after " + attempt
						+ " attempt(s), waiting cannot help (last: " + describe(failure) + "). " + this.check, failure);
			}
			if (now + pause.toNanos() > end) {
				throw new JetStreamNotReadyException("Could not " + action + ": JetStream did not answer within "
						+ this.deadline.toSeconds() + " s (" + attempt + " attempt(s); last: " + describe(failure)
						+ "). " + this.check, failure);
			}
			if (attempt == 1 || now - lastLog > QUIET.toNanos()) {
				lastLog = now;
				logger.info("JetStream not ready to {} ({}); retrying for up to {} s more", action, describe(failure),
						Duration.ofNanos(end - now).toSeconds());
			}
			else {
				logger.debug("Retrying to {} in {} ms after {}", action, pause.toMillis(), describe(failure));
			}
			sleep(pause, action, failure);
			pause = (pause.multipliedBy(2).compareTo(this.maxPause) > 0) ? this.maxPause : pause.multipliedBy(2);
		}
	}

	/**
	 * Whether a later attempt of the same call may succeed.
	 * @param failure what the call threw
	 * @return {@code true} for timeouts, no responders and JetStream's transient errors
	 */
	static boolean isTransient(Exception failure) {
		if (failure instanceof JetStreamApiException api) {
			return TRANSIENT_API_ERRORS.contains(api.getApiErrorCode())
					|| (api.getApiErrorCode() <= 0 && api.getErrorCode() == SERVICE_UNAVAILABLE);
		}
		if (failure instanceof JetStreamStatusException status) {
			return status.getStatus().getCode() == SERVICE_UNAVAILABLE;
		}
		// jnats reports timeouts, no responders and lost connections as IOException.
		return failure instanceof IOException;
	}

	private static String describe(Exception failure) {
		if (failure instanceof JetStreamApiException api) {
			return api.getErrorDescription() + " [" + api.getApiErrorCode() + "]";
		}
		return String.valueOf(failure.getMessage());
	}

	private static void sleep(Duration pause, String action, Exception failure) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			HarmonyLiteException interrupted = new HarmonyLiteException("Interrupted while waiting to retry to "
					+ action, ex);
			interrupted.addSuppressed(failure);
			throw interrupted;
		}
	}

	/**
	 * A JetStream call.
	 *
	 * @param <T> its result
	 */
	@FunctionalInterface
	public interface Call<T> {

		/**
		 * Makes the call.
		 * @return its result
		 * @throws IOException on timeouts, no responders and transport failures
		 * @throws JetStreamApiException when JetStream answers with an error
		 * @throws InterruptedException when the calling thread is interrupted
		 */
		T call() throws IOException, JetStreamApiException, InterruptedException;

	}

}
