package io.harmonylite.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.harmonylite.sample.books.Book;
import io.harmonylite.testsupport.FreePorts;
import io.harmonylite.testsupport.NatsTestServer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app (node 1) against a real nats-server, scraped by a real Prometheus server (Debian package
 * {@code prometheus}) that loads the documented alert rules ({@code docs/prometheus/harmonylite-alerts.yml}): the
 * HarmonyLite series arrive in Prometheus, few of them, {@code promtool check metrics} accepts the exposition,
 * {@code promtool test rules} passes the rules' cases, the rules evaluate on the real series, and the
 * {@code harmonylite} endpoint and health contributor describe the node over HTTP.
 */
class PrometheusScrapeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

	private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

	private static final Path ALERT_RULES = Path.of("../docs/prometheus/harmonylite-alerts.yml");

	private static final String ALERT_RULES_TEST = "prometheus/harmonylite-alerts-test.yml";

	/**
	 * At most this many {@code harmonylite_*} series per node (121 before the lag histogram got SLO buckets): node
	 * gauges and counters, one problems gauge per problem kind, per-table and per-shard series, 8 of the lag
	 * histogram, the batch size and duration, and the snapshot meters once a snapshot exists. The exact set is checked
	 * by the auto-configuration's metrics tests; this test checks what reaches Prometheus stays few. (61 with the
	 * problem kind STORE_REMOVED.)
	 */
	private static final int MAX_HARMONYLITE_SERIES = 64;

	private static final int BOOKS = 3;

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@TempDir
	static Path dir;

	private static NatsTestServer nats;

	private static ConfigurableApplicationContext app;

	private static RestClient appClient;

	private static Process prometheus;

	private static RestClient prometheusClient;

	private static String streamPrefix;

	@BeforeAll
	static void startAppAndPrometheus() throws IOException {
		assertThat(PROMETHEUS).as("the prometheus server (apt-get install prometheus)").isExecutable();
		assertThat(PROMTOOL).as("promtool (apt-get install prometheus)").isExecutable();
		nats = NatsTestServer.start();
		streamPrefix = "prometheus-" + ProcessHandle.current().pid();
		app = new SpringApplicationBuilder(HarmonyLiteSampleApplication.class).run("--server.port=0",
				"--harmonylite.node-id=1", "--harmonylite.db-path=" + dir.resolve("books.db"),
				"--harmonylite.nats.urls=" + nats.url(), "--harmonylite.replication.stream-prefix=" + streamPrefix,
				"--harmonylite.replication.subject-prefix=" + streamPrefix + "-subject",
				// Meters of Spring Boot and Micrometer themselves that promtool's linter flags (no help text,
				// abbreviated units, a gauge named _count): off, so that the whole exposition is checked strictly.
				"--management.metrics.enable.http.server.requests=false",
				"--management.metrics.enable.tomcat.sessions=false",
				"--management.metrics.enable.jvm.compilation.time=false",
				"--management.metrics.enable.process.cpu.time=false",
				"--management.metrics.enable.system.cpu.count=false");
		int appPort = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
		appClient = RestClient.create("http://127.0.0.1:" + appPort);
		for (int i = 1; i <= BOOKS; i++) {
			appClient.post().uri("/books").body(new Book(null, "Book " + i, "Author", 2000 + i)).retrieve().toBodilessEntity();
		}
		prometheus = startPrometheus(appPort);
	}

	private static Process startPrometheus(int appPort) throws IOException {
		int port = FreePorts.one();
		Path rules = Files.copy(ALERT_RULES, dir.resolve("harmonylite-alerts.yml"));
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				  scrape_timeout: 1s
				  evaluation_interval: 1s
				rule_files:
				  - %s
				scrape_configs:
				  - job_name: harmonylite-sample
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(rules, appPort));
		Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port,
				"--log.level=warn")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("prometheus.log").toFile())
			.start();
		prometheusClient = RestClient.create("http://127.0.0.1:" + port);
		return process;
	}

	@AfterAll
	static void stopAll() throws InterruptedException {
		if (prometheus != null) {
			prometheus.destroy();
			if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
				prometheus.destroyForcibly().waitFor();
			}
		}
		if (app != null) {
			app.close();
		}
		if (nats != null) {
			nats.close();
		}
	}

	@Test
	void prometheusShouldScrapeTheSchemaMismatchGaugeOfNodeOne() {
		assertThat(awaitSeries("harmonylite_schema_mismatch_paused{node_id=\"1\"}")).singleElement()
			.satisfies((series) -> {
				assertThat(series.labels()).containsEntry("job", "harmonylite-sample");
				assertThat(series.value()).isZero();
			});
	}

	@Test
	void prometheusShouldScrapeChangeCountersAndPendingGauge() {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(query("harmonylite_changes_published_total{node_id=\"1\",table=\"Books\"}")).singleElement()
				.satisfies((series) -> assertThat(series.value()).isEqualTo(BOOKS));
			assertThat(query("harmonylite_changes_applied_total{node_id=\"1\",table=\"Books\"}")).singleElement()
				.satisfies((series) -> assertThat(series.value()).isEqualTo(BOOKS));
		});
		assertThat(awaitSeries("harmonylite_changes_pending{node_id=\"1\"}")).singleElement()
			.satisfies((series) -> assertThat(series.value()).isZero());
		assertThat(awaitSeries("harmonylite_publish_failures_total{node_id=\"1\"}")).hasSize(1);
		assertThat(awaitSeries("harmonylite_dead_letters_total{node_id=\"1\"}")).singleElement()
			.satisfies((series) -> assertThat(series.value()).isZero());
		assertThat(awaitSeries("harmonylite_nats_reconnects_total{node_id=\"1\"}")).hasSize(1);
		assertThat(awaitSeries("harmonylite_stream_lag{node_id=\"1\",shard=\"0\"}")).singleElement()
			.satisfies((series) -> assertThat(series.labels()).containsEntry("stream", streamPrefix + "-0"));
	}

	@Test
	void prometheusShouldScrapeReplicationLagTimerAndApplyBatches() {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(query("harmonylite_replication_lag_seconds_count{node_id=\"1\"}"))
				.singleElement()
				.satisfies((series) -> assertThat(series.value()).isEqualTo(BOOKS)));
		assertThat(awaitSeries("harmonylite_replication_lag_seconds_sum{node_id=\"1\"}")).hasSize(1);
		assertThat(awaitSeries("harmonylite_replication_lag_seconds_bucket{node_id=\"1\"}"))
			.extracting((series) -> series.labels().get("le"))
			.containsExactlyInAnyOrder("0.005", "0.05", "0.5", "5.0", "+Inf");
		assertThat(awaitSeries("histogram_quantile(0.95, harmonylite_replication_lag_seconds_bucket{node_id=\"1\"})"))
			.singleElement()
			.satisfies((series) -> assertThat(series.value()).isPositive().isLessThan(60));
		assertThat(awaitSeries("harmonylite_apply_batch_size_count{node_id=\"1\"}")).singleElement()
			.satisfies((series) -> assertThat(series.value()).isPositive());
		assertThat(awaitSeries("harmonylite_apply_batch_duration_seconds_count{node_id=\"1\"}")).hasSize(1);
	}

	@Test
	void nodeShouldExposeFewSeries() {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(query("count({__name__=~\"harmonylite_.+\",node_id=\"1\"})"))
				.singleElement()
				.satisfies((series) -> assertThat(series.value()).isGreaterThan(30)
					.isLessThanOrEqualTo(MAX_HARMONYLITE_SERIES)));
	}

	@Test
	void promtoolShouldPassTheAlertRulesCases() throws Exception {
		Path rules = Files.createDirectories(dir.resolve("rule-tests"));
		Files.copy(ALERT_RULES, rules.resolve("harmonylite-alerts.yml"));
		try (var cases = getClass().getClassLoader().getResourceAsStream(ALERT_RULES_TEST)) {
			Files.copy(cases, rules.resolve("harmonylite-alerts-test.yml"));
		}

		assertThat(promtool(rules, "check", "rules", "harmonylite-alerts.yml")).contains("SUCCESS: 13 rules found");
		assertThat(promtool(rules, "test", "rules", "harmonylite-alerts-test.yml")).contains("SUCCESS");
	}

	@Test
	void alertRulesShouldLoadAndEvaluateOnTheScrapedSeries() {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(rules()).hasSize(13)
				.allSatisfy((rule) -> assertThat(rule).as("rule %s", rule.get("name"))
					.containsEntry("health", "ok")
					.containsEntry("state", "inactive")));
		// The slow-replication rule reads the 5 s bucket by its exported label, and the node-missing rule the node's
		// own series: both find them.
		assertThat(awaitSeries("sum by (node_id) (rate(harmonylite_replication_lag_seconds_bucket{le=\"5.0\"}[1m]))"))
			.singleElement()
			.satisfies((series) -> assertThat(series.labels()).containsEntry("node_id", "1"));
		assertThat(awaitSeries("max by (node_id) (max_over_time(harmonylite_schema_mismatch_paused[1h]))"))
			.singleElement()
			.satisfies((series) -> assertThat(series.labels()).containsEntry("node_id", "1"));
	}

	/**
	 * The alert rules Prometheus loaded; none while it is starting.
	 */
	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules() {
		Map<String, Object> response;
		try {
			response = prometheusClient.get().uri("/api/v1/rules").retrieve().body(JSON);
		}
		catch (ResourceAccessException | HttpServerErrorException.ServiceUnavailable ex) {
			return List.of();
		}
		List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) response.get("data"))
			.get("groups");
		return groups.stream().flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream()).toList();
	}

	private static String promtool(Path directory, String... arguments) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
		command.addAll(List.of(arguments));
		Process promtool = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(promtool.exitValue()).as("promtool %s: %s", String.join(" ", arguments), output).isZero();
		return output;
	}

	@Test
	void promtoolShouldAcceptTheExposition() throws Exception {
		String exposition = appClient.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(exposition).contains("harmonylite_schema_mismatch_paused{node_id=\"1\"}");

		Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true)
			.start();
		try (OutputStream stdin = promtool.getOutputStream()) {
			stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(promtool.exitValue()).as("promtool check metrics: %s", output).isZero();
		assertThat(output).isBlank();
	}

	@Test
	void endpointShouldDescribeTheRunningNode() {
		Map<String, Object> node = appClient.get().uri("/actuator/harmonylite").retrieve().body(JSON);

		assertThat(node).containsEntry("nodeId", 1)
			.containsEntry("state", "RUNNING")
			.containsEntry("publish", true)
			.containsEntry("pendingChanges", 0)
			.containsEntry("watchedTables", List.of("Books", "notes"));
		assertThat(node.get("nats")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("connected", true)
			.containsEntry("embedded", false);
		assertThat(node.get("shards")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.singleElement()
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("stream", streamPrefix + "-0")
			.containsEntry("paused", false)
			.containsKey("appliedSequence");
	}

	@Test
	void deadLettersShouldBeListedByAGetWithTheEndpointsDefaultReadOnlyAccess() {
		Map<String, Object> letters = appClient.get().uri("/actuator/harmonylite/dead-letters").retrieve().body(JSON);

		assertThat(letters).containsEntry("outcome", "DONE")
			.containsEntry("message", "0 dead letter(s) of this node")
			.containsEntry("detail", List.of());
		int notASequence = appClient.get()
			.uri("/actuator/harmonylite/dead-letters/-3")
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(notASequence).isEqualTo(400);
		int write = appClient.post()
			.uri("/actuator/harmonylite/dead-letters")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "list"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(write).as("write operations stay off with read-only access").isNotEqualTo(200);
	}

	@Test
	void schemaSectionShouldShowLocalHashAndConsistentCluster() {
		Map<String, Object> schema = appClient.get().uri("/actuator/harmonylite/schema").retrieve().body(JSON);

		assertThat(schema.get("local")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("nodeId", 1)
			.containsEntry("pausedShards", List.of())
			.hasEntrySatisfying("hash", (hash) -> assertThat(hash).asString().hasSize(64));
		assertThat(schema.get("cluster")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("available", true)
			.containsEntry("consistent", true)
			.containsEntry("nodeCount", 1);
	}

	@Test
	void unknownSectionShouldBeNotFound() {
		HttpStatus status = appClient.get()
			.uri("/actuator/harmonylite/nothing")
			.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));

		assertThat(status).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void writeOperationsShouldNotBeServedWithoutUnrestrictedAccess() {
		HttpStatus status = appClient.post()
			.uri("/actuator/harmonylite/shards/0")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "pause"))
			.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));

		assertThat(status).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(appClient.get().uri("/actuator/harmonylite").retrieve().body(JSON)).containsEntry("state", "RUNNING");
	}

	@Test
	void healthShouldIncludeHarmonyliteComponent() {
		Map<String, Object> health = appClient.get().uri("/actuator/health/harmonylite").retrieve().body(JSON);

		assertThat(health).containsEntry("status", "UP");
		assertThat(health.get("details")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("state", "RUNNING")
			.containsEntry("natsConnected", true);
	}

	private static List<Series> awaitSeries(String promql) {
		return await().atMost(TIMEOUT).until(() -> query(promql), (result) -> !result.isEmpty());
	}

	/**
	 * Runs an instant query; an empty result while Prometheus is starting or has not scraped yet.
	 */
	@SuppressWarnings("unchecked")
	private static List<Series> query(String promql) {
		Map<String, Object> response;
		try {
			response = prometheusClient.get().uri("/api/v1/query?query={query}", promql).retrieve().body(JSON);
		}
		catch (ResourceAccessException | HttpServerErrorException.ServiceUnavailable ex) {
			// Not listening yet, or listening but not ready (503 until its storage is up).
			return List.of();
		}
		assertThat(response).containsEntry("status", "success");
		Map<String, Object> data = (Map<String, Object>) response.get("data");
		List<Map<String, Object>> result = (List<Map<String, Object>>) data.get("result");
		return result.stream()
			.map((element) -> new Series((Map<String, String>) element.get("metric"),
					Double.parseDouble(String.valueOf(((List<Object>) element.get("value")).get(1)))))
			.toList();
	}

	/**
	 * One instant-vector element of a Prometheus query result.
	 */
	record Series(Map<String, String> labels, double value) {
	}

}
