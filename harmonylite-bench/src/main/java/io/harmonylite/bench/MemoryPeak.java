package io.harmonylite.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Samples this process's memory every 20 ms on a daemon thread: the JVM's used heap and the resident set size of the
 * process (from {@code /proc/self/status}, Linux only), keeping the peaks.
 */
final class MemoryPeak implements AutoCloseable {

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final Thread sampler;

	private volatile boolean running = true;

	private volatile long heapPeak;

	private volatile long rssPeak;

	MemoryPeak() {
		this.sampler = new Thread(() -> {
			while (this.running) {
				sample();
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}, "memory-peak");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	private void sample() {
		this.heapPeak = Math.max(this.heapPeak, this.memory.getHeapMemoryUsage().getUsed());
		this.rssPeak = Math.max(this.rssPeak, residentBytes());
	}

	/**
	 * The resident set size of this process now.
	 * @return bytes, 0 where {@code /proc} is missing
	 */
	static long residentBytes() {
		return residentBytes("self");
	}

	/**
	 * The resident set size of a process now.
	 * @param pid the process id, or {@code self}
	 * @return bytes, 0 where {@code /proc} is missing or the process has exited
	 */
	static long residentBytes(String pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not Linux, or exited: no figure.
		}
		return 0;
	}

	/**
	 * The peaks so far, with the JVM's committed heap and maximum, for printing.
	 * @return e.g. {@code heap used peak 120 MB (committed 256 MB, max 2048 MB), process RSS peak 310 MB}
	 */
	String describe() {
		sample();
		var heap = this.memory.getHeapMemoryUsage();
		return String.format(Locale.ROOT, "JVM heap used peak %d MB (committed %d MB, max %d MB), process RSS peak %d MB",
				this.heapPeak >> 20, heap.getCommitted() >> 20, heap.getMax() >> 20, this.rssPeak >> 20);
	}

	@Override
	public void close() {
		this.running = false;
		this.sampler.interrupt();
	}

}
