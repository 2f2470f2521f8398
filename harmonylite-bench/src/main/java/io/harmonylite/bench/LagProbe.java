package io.harmonylite.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;

/**
 * Times rows on their way from the writer's commit to the receiving node's commit, with a stop on the way: a plain NATS
 * subscription on the replication subject (on the writer's server) notes when each row's message passed the server.
 * That splits the lag into "commit to published" (the origin: noticing the commit, reading the log, publishing) and
 * "published to applied" (JetStream storing and acknowledging, delivery to the consumer, the apply batch and commit).
 */
final class LagProbe implements AutoCloseable {

	private final long warmUp;

	private final ConcurrentHashMap<Long, Long> started = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Long, Long> seen = new ConcurrentHashMap<>();

	private final List<Long> commits = Collections.synchronizedList(new ArrayList<>());

	private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());

	private final Connection connection;

	/**
	 * Subscribes to the replication subject.
	 * @param url the writer's server
	 * @param subject the subject the rows are published on
	 * @param ids the row ids a message carries
	 * @param warmUp rows up to this id are not measured
	 */
	LagProbe(String url, String subject, Function<byte[], long[]> ids, long warmUp) throws Exception {
		this.warmUp = warmUp;
		this.connection = Nats.connect(url);
		Dispatcher dispatcher = this.connection.createDispatcher((message) -> {
			long now = System.nanoTime();
			for (long id : ids.apply(message.getData())) {
				this.seen.putIfAbsent(id, now);
			}
		});
		dispatcher.subscribe(subject);
		this.connection.flush(java.time.Duration.ofSeconds(5));
	}

	/**
	 * Call right before the row's commit starts.
	 * @param id the row's id
	 * @return the start time, for {@link #committed}
	 */
	long starting(long id) {
		long now = System.nanoTime();
		this.started.put(id, now);
		return now;
	}

	/**
	 * Call right after the row's commit returned.
	 * @param id the row's id
	 * @param start what {@link #starting} returned
	 */
	void committed(long id, long start) {
		if (id > this.warmUp) {
			this.commits.add(System.nanoTime() - start);
		}
	}

	/** Call when the receiving node committed the row. */
	void applied(long id) {
		long now = System.nanoTime();
		Long start = this.started.remove(id);
		if (start == null || id <= this.warmUp) {
			return;
		}
		Long passed = this.seen.remove(id);
		this.samples.add(new long[] { now - start, (passed != null) ? passed - start : -1, (passed != null) ? now - passed : -1 });
	}

	/**
	 * The lag percentiles.
	 * @return p50, p99 and max of the whole lag, in ms
	 */
	Lag lag() {
		long[] total = column(0);
		return new Lag(percentile(total, 50), percentile(total, 99), percentile(total, 100), total.length);
	}

	/**
	 * Prints where the time goes: the writer's commit, commit to published, published to applied.
	 * @param indent the line's indent
	 */
	void printBreakdown(String indent) {
		long[] commitTimes = sorted(this.commits);
		long[] origin = column(1);
		long[] rest = column(2);
		System.out.printf(Locale.ROOT, "%sbreakdown p50 / p99 (ms): writer's commit %.2f / %.2f; commit to published "
				+ "(seen on the writer's server) %.2f / %.2f; published to applied on node 2 %.2f / %.2f%n", indent,
				percentile(commitTimes, 50), percentile(commitTimes, 99), percentile(origin, 50), percentile(origin, 99),
				percentile(rest, 50), percentile(rest, 99));
	}

	private long[] column(int index) {
		synchronized (this.samples) {
			return this.samples.stream().mapToLong((sample) -> sample[index]).filter((value) -> value >= 0).sorted()
				.toArray();
		}
	}

	private static long[] sorted(List<Long> nanos) {
		synchronized (nanos) {
			return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
		}
	}

	static double percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
	}

	@Override
	public void close() throws InterruptedException {
		this.connection.close();
	}

	/** Lag percentiles in ms. */
	record Lag(double p50, double p99, double max, int samples) {

		String p50p99() {
			return String.format(Locale.ROOT, "%.2f / %.2f", this.p50, this.p99);
		}

	}

}
