package io.harmonylite.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One standalone node run the way a user runs it: {@code ./harmonylite --node-id ... --db-path ...} with an embedded
 * nats-server, in a process group of its own ({@code setsid}) and, optionally, in a network namespace. The launcher
 * execs the JVM, so the started process is the node's JVM and the group holds it, its nats-server and the server's
 * watchdog.
 */
final class NodeProcess implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodeProcess.class);

	private static final Path LAUNCHER = Path.of(System.getProperty("harmonylite.launcher", "../harmonylite"));

	private static final String JAR = System.getProperty("harmonylite.node.jar",
			"../harmonylite-node/target/harmonylite.jar");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Spec spec;

	private final Path log;

	private Process process;

	NodeProcess(Spec spec) {
		this.spec = spec;
		this.log = spec.dbPath().resolveSibling("node-" + spec.id() + ".log");
	}

	/**
	 * The node's id.
	 * @return the id
	 */
	int id() {
		return this.spec.id();
	}

	/**
	 * The node's database file.
	 * @return the file
	 */
	Path dbPath() {
		return this.spec.dbPath();
	}

	/**
	 * Starts the node; returns at once (see {@link #health()} to learn when it is up).
	 */
	synchronized void start() {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException("Node " + id() + " is already running");
		}
		List<String> command = new ArrayList<>(List.of("setsid"));
		command.addAll(Commands.inNamespace(this.spec.namespace(), arguments()));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		builder.environment().put("HARMONYLITE_JAR", JAR);
		// Small heaps and the serial collector: four JVMs share two cores in CI.
		builder.environment().put("JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start node " + id() + ": " + command, ex);
		}
		logger.info("Started node {} (pid {}), log {}", id(), this.process.pid(), this.log);
	}

	private List<String> arguments() {
		List<String> arguments = new ArrayList<>(List.of(LAUNCHER.toAbsolutePath().toString(), "--node-id",
				Integer.toString(id()), "--db-path", this.spec.dbPath().toString(),
				"--server.port=" + this.spec.httpPort()));
		if (this.spec.natsUrls() != null) {
			arguments.add("--harmonylite.nats.urls=" + this.spec.natsUrls());
		}
		else {
			arguments.addAll(List.of("--cluster-addr", this.spec.clusterAddr(), "--cluster-peers",
					String.join(",", this.spec.peers()), "--harmonylite.nats.embedded.port=" + this.spec.natsPort(),
					"--harmonylite.nats.embedded.store-dir=" + this.spec.dbPath() + "-nats"));
		}
		arguments.addAll(this.spec.extraArguments());
		return arguments;
	}

	/**
	 * Whether the node's JVM runs.
	 * @return {@code true} while it runs
	 */
	synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Kills the whole process group with SIGKILL, as a power cut of the node would: the JVM, its nats-server and the
	 * server's watchdog, with no chance to clean up.
	 */
	synchronized void killGroup() {
		if (!isAlive()) {
			return;
		}
		long group = this.process.pid();
		Commands.run(List.of("kill", "-KILL", "--", "-" + group));
		awaitExit();
		// The group's nats-server got the same SIGKILL; make sure it is gone before the ports are reused.
		Commands.run(List.of("pkill", "-KILL", "-g", Long.toString(group)));
		logger.info("Killed node {} (process group {})", id(), group);
	}

	/**
	 * Stops the node gracefully with SIGTERM and waits for it to exit.
	 */
	synchronized void stop() {
		if (!isAlive()) {
			return;
		}
		this.process.destroy();
		awaitExit();
		logger.info("Stopped node {}", id());
	}

	private void awaitExit() {
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The pid of the node's embedded nats-server.
	 * @return the pid, or -1 when no server runs
	 */
	long serverPid() {
		if (!isAlive()) {
			return -1;
		}
		Commands.Result found = Commands.run(List.of("pgrep", "-P", Long.toString(this.process.pid()), "-x",
				"nats-server"));
		String output = found.output().strip();
		return (found.exitCode() == 0 && !output.isEmpty()) ? Long.parseLong(output.lines().findFirst().get()) : -1;
	}

	/**
	 * Sends a signal to the node's embedded nats-server only (e.g. KILL, STOP, CONT).
	 * @param signal the signal name without SIG
	 * @return the pid signalled
	 */
	long signalServer(String signal) {
		long pid = serverPid();
		if (pid < 0) {
			throw new IllegalStateException("Node " + id() + " has no nats-server running");
		}
		Commands.require("kill", "-" + signal, Long.toString(pid));
		logger.info("Sent SIG{} to the nats-server of node {} (pid {})", signal, id(), pid);
		return pid;
	}

	/**
	 * The URL of the node's embedded nats-server, for clients on this machine (loopback clusters only).
	 * @return the client URL
	 */
	String natsUrl() {
		if (this.spec.namespace() != null) {
			throw new IllegalStateException("Node " + id() + " runs in a network namespace; its nats-server is not "
					+ "reachable from here");
		}
		return "nats://127.0.0.1:" + this.spec.natsPort();
	}

	/**
	 * Reads an Actuator endpoint of the node, from inside its namespace.
	 * @param path the path under /actuator, e.g. {@code harmonylite}
	 * @return the parsed answer, or {@code null} when the node does not answer with JSON
	 */
	JsonValue actuator(String path) {
		Commands.Result result = Commands.run(Commands.inNamespace(this.spec.namespace(), List.of("curl", "-s", "-m",
				"2", "http://127.0.0.1:" + this.spec.httpPort() + "/actuator/" + path)));
		if (result.exitCode() != 0 || !result.output().strip().startsWith("{")) {
			return null;
		}
		try {
			return JsonParser.parse(result.output());
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Reads the node's health from its Actuator, from inside its namespace.
	 * @return the health, {@link Health#UNREACHABLE} when the node does not answer
	 */
	Health health() {
		String body = healthBody();
		if (body == null || !body.strip().startsWith("{")) {
			return Health.UNREACHABLE;
		}
		try {
			JsonValue json = JsonParser.parse(body);
			JsonValue component = path(json, "components", "harmonylite");
			JsonValue details = (component != null) ? component.map.get("details") : null;
			JsonValue state = (details != null) ? details.map.get("state") : null;
			return new Health(string(json.map.get("status")), (component != null) ? string(component.map.get("status")) : "?",
					(state != null) ? state.string : "?", body);
		}
		catch (IOException ex) {
			return new Health("?", "?", "?", body);
		}
	}

	/**
	 * The health endpoint's answer within 2 s: over HTTP from here for a node on the loopback interface (a poll
	 * costs milliseconds, so short states are seen), with curl inside the node's namespace otherwise; {@code null}
	 * when it does not answer.
	 */
	private String healthBody() {
		String url = "http://127.0.0.1:" + this.spec.httpPort() + "/actuator/health";
		if (this.spec.namespace() != null) {
			Commands.Result result = Commands.run(Commands.inNamespace(this.spec.namespace(),
					List.of("curl", "-s", "-m", "2", url)));
			return (result.exitCode() == 0) ? result.output() : null;
		}
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
					HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static JsonValue path(JsonValue json, String... keys) {
		JsonValue current = json;
		for (String key : keys) {
			if (current == null || current.map == null) {
				return null;
			}
			current = current.map.get(key);
		}
		return current;
	}

	private static String string(JsonValue value) {
		return (value != null && value.string != null) ? value.string : "?";
	}

	/**
	 * The end of the node's log, for failure messages.
	 * @return up to the last 40 lines
	 */
	String logTail() {
		return LogTail.of(this.log, 40);
	}

	@Override
	public void close() {
		killGroup();
	}

	/**
	 * How to run a node.
	 *
	 * @param id the node id
	 * @param dbPath the database file
	 * @param httpPort the Actuator port
	 * @param natsPort the embedded nats-server's client port (0 with external servers)
	 * @param clusterAddr the embedded server's cluster listen address, or {@code null}
	 * @param peers the other servers' route URLs (empty with external servers)
	 * @param namespace the network namespace to run in, or {@code null}
	 * @param extraArguments more launcher arguments ({@code --name=value})
	 * @param natsUrls the external NATS servers' URLs, comma-separated, or {@code null} for an embedded server
	 */
	record Spec(int id, Path dbPath, int httpPort, int natsPort, String clusterAddr, List<String> peers,
			String namespace, List<String> extraArguments, String natsUrls) {

		/**
		 * A node with an embedded nats-server.
		 * @param id the node id
		 * @param dbPath the database file
		 * @param httpPort the Actuator port
		 * @param natsPort the embedded server's client port
		 * @param clusterAddr its cluster listen address
		 * @param peers the other servers' route URLs
		 * @param namespace the network namespace to run in, or {@code null}
		 * @param extraArguments more launcher arguments
		 * @return the spec
		 */
		static Spec embedded(int id, Path dbPath, int httpPort, int natsPort, String clusterAddr, List<String> peers,
				String namespace, List<String> extraArguments) {
			return new Spec(id, dbPath, httpPort, natsPort, clusterAddr, peers, namespace, extraArguments, null);
		}

		/**
		 * A node connecting to external NATS servers, run in the root namespace.
		 * @param id the node id
		 * @param dbPath the database file
		 * @param httpPort the Actuator port
		 * @param natsUrls the servers' URLs, comma-separated
		 * @param extraArguments more launcher arguments
		 * @return the spec
		 */
		static Spec external(int id, Path dbPath, int httpPort, String natsUrls, List<String> extraArguments) {
			return new Spec(id, dbPath, httpPort, 0, null, List.of(), null, extraArguments, natsUrls);
		}

	}

	/**
	 * What a node's health endpoint said.
	 *
	 * @param status the overall status
	 * @param harmonylite the HarmonyLite component's status
	 * @param state the engine state in the component's details
	 * @param body the whole answer
	 */
	record Health(String status, String harmonylite, String state, String body) {

		static final Health UNREACHABLE = new Health("UNREACHABLE", "UNREACHABLE", "UNREACHABLE", "");

		boolean isUp() {
			return "UP".equals(this.harmonylite);
		}

		@Override
		public String toString() {
			return this.harmonylite + "/" + this.state;
		}

	}

}
