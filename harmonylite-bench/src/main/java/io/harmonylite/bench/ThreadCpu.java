package io.harmonylite.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time of this process's threads, summed by thread name (digits dropped, so that pools add up), between a start
 * and a print: which part of the nodes did the work, a figure that a busy machine slows down far less than the
 * wall clock.
 */
final class ThreadCpu {

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final Map<Long, Long> start = new HashMap<>();

	ThreadCpu() {
		for (long id : this.threads.getAllThreadIds()) {
			this.start.put(id, Math.max(0, this.threads.getThreadCpuTime(id)));
		}
	}

	/**
	 * The CPU time since construction of the busiest thread groups.
	 * @param top how many groups to list
	 * @return e.g. {@code harmonylite-publisher 2.10 s, harmonylite-apply 1.50 s}
	 */
	String describe(int top) {
		Map<String, Long> byName = new HashMap<>();
		long total = 0;
		for (long id : this.threads.getAllThreadIds()) {
			ThreadInfo info = this.threads.getThreadInfo(id);
			long cpu = this.threads.getThreadCpuTime(id);
			if (info == null || cpu < 0) {
				continue;
			}
			long used = cpu - this.start.getOrDefault(id, 0L);
			total += used;
			byName.merge(info.getThreadName().replaceAll("[0-9]+", "#"), used, Long::sum);
		}
		StringJoiner groups = new StringJoiner(", ");
		byName.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(top)
			.forEach((entry) -> groups.add(String.format(Locale.ROOT, "%s %.2f s", entry.getKey(), entry.getValue() / 1e9)));
		return String.format(Locale.ROOT, "%.2f s in all; %s", total / 1e9, groups);
	}

}
