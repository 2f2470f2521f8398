package io.harmonylite.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone node ({@code harmonylite-node/target/harmonylite.jar}) in a process of its own, as {@code ./harmonylite}
 * runs it: started, sampled for its resident memory (from {@code /proc/<pid>/status}) and its JVM's used heap (from
 * its Prometheus endpoint), and read from its log for its startup times.
 */
final class StandaloneNode implements AutoCloseable {

	private static final Pattern SPRING_STARTED = Pattern
		.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

	private static final Pattern ENGINE_STARTED = Pattern.compile("Node \\d+: started in (\\d+) ms");

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern HEAP_USED = Pattern
		.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+]+)", Pattern.MULTILINE);

	private final Process process;

	private final Path log;

	private final long startedAt;

	private final Thread sampler;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private volatile boolean sampling = true;

	private volatile long rssPeak;

	private volatile long heapPeak;

	private StandaloneNode(Process process, Path log, long startedAt) {
		this.process = process;
		this.log = log;
		this.startedAt = startedAt;
		this.sampler = new Thread(this::sample, "standalone-node-memory");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	/**
	 * Starts the node with the launcher, as a user does ({@code ./harmonylite}, which execs the JVM, so the process is
	 * the node's JVM).
	 * @param launcher the {@code harmonylite} script
	 * @param jar the node's jar
	 * @param javaOptions options of its JVM ({@code JAVA_OPTS}), e.g. {@code -Xmx256m}; none for the launcher's
	 * defaults
	 * @param properties its Spring properties, e.g. {@code --harmonylite.node-id=2}
	 * @param log where its output goes
	 * @return the started node
	 */
	static StandaloneNode start(Path launcher, Path jar, List<String> javaOptions, List<String> properties, Path log)
			throws IOException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build it with ./mvnw -pl harmonylite-node -am package "
					+ "-DskipTests (./benchmark node does)");
		}
		List<String> command = new ArrayList<>(List.of(launcher.toString()));
		command.addAll(properties);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("HARMONYLITE_JAR", jar.toString());
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().remove("JAVA_OPTS");
		if (!javaOptions.isEmpty()) {
			builder.environment().put("JAVA_OPTS", String.join(" ", javaOptions));
		}
		long startedAt = System.nanoTime();
		Process process = builder.start();
		return new StandaloneNode(process, log, startedAt);
	}

	/** When {@link #start} started the process, in {@link System#nanoTime()}. */
	long startedAt() {
		return this.startedAt;
	}

	/** Forgets the peaks so far. */
	void resetPeaks() {
		this.rssPeak = 0;
		this.heapPeak = 0;
	}

	/** The peaks since the start or the last {@link #resetPeaks()}, for printing. */
	String describePeaks() {
		return String.format(Locale.ROOT, "process RSS peak %d MB, JVM heap used peak %s (sampled every 0.5 s)",
				this.rssPeak >> 20, (this.heapPeak > 0) ? (this.heapPeak >> 20) + " MB" : "n/a");
	}

	/**
	 * The startup figures from its log: Spring's own "started in" and "process running for", and the engine's
	 * {@code start()}.
	 * @return e.g. {@code Spring application started in 3.10 s (process running for 3.60 s), of which the engine's
	 * start() 0.61 s}
	 */
	String describeStartup() throws IOException, InterruptedException {
		// Spring logs its line once every lifecycle has started, which may be after the first row replicated.
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			String text = Files.readString(this.log);
			Matcher spring = SPRING_STARTED.matcher(text);
			Matcher engine = ENGINE_STARTED.matcher(text);
			if (spring.find() && engine.find()) {
				double springSeconds = Double.parseDouble(spring.group(1));
				double engineSeconds = Long.parseLong(engine.group(1)) / 1e3;
				return String.format(Locale.ROOT,
						"Spring application started in %.2f s (JVM running for %.2f s), of which the engine's start() %.2f s (%.0f%%)",
						springSeconds, Double.parseDouble(spring.group(2)), engineSeconds, 100 * engineSeconds / springSeconds);
			}
			if (System.nanoTime() > deadline) {
				return "startup lines not found in " + this.log;
			}
			Thread.sleep(100);
		}
	}

	private void sample() {
		long pid = this.process.pid();
		long nextHeap = 0;
		while (this.sampling) {
			this.rssPeak = Math.max(this.rssPeak, MemoryPeak.residentBytes(Long.toString(pid)));
			if (System.nanoTime() - nextHeap >= 0) {
				nextHeap = System.nanoTime() + Duration.ofMillis(500).toNanos();
				heapUsed().ifPresent((used) -> this.heapPeak = Math.max(this.heapPeak, used));
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private Optional<Long> heapUsed() {
		try {
			Matcher port = PORT.matcher(Files.readString(this.log));
			if (!port.find()) {
				return Optional.empty();
			}
			HttpResponse<String> response = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + "/actuator/prometheus"))
				.timeout(Duration.ofSeconds(2))
				.build(), HttpResponse.BodyHandlers.ofString());
			Matcher heap = HEAP_USED.matcher(response.body());
			long used = 0;
			while (heap.find()) {
				used += (long) Double.parseDouble(heap.group(1));
			}
			return (used > 0) ? Optional.of(used) : Optional.empty();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	/** Stops the node as {@code ./harmonylite} is stopped (SIGTERM), waiting for it to exit. */
	@Override
	public void close() throws InterruptedException {
		this.sampling = false;
		this.sampler.interrupt();
		this.process.destroy();
		if (!this.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
