package io.harmonylite.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.sample.books.Book;
import io.harmonylite.testsupport.NatsTestServer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code harmonylite} endpoint's write operations over HTTP on the running sample app, with a real nats-server:
 * pause and resume a shard, the 400/404 answers of requests that cannot apply, and uninstalling capture. Writes are
 * allowed with {@code management.endpoint.harmonylite.access=unrestricted}, as an operator would set it.
 */
class ActuatorOperationsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@TempDir
	static Path dir;

	private static NatsTestServer nats;

	private static ConfigurableApplicationContext app;

	private static RestClient client;

	@BeforeAll
	static void startApp() {
		nats = NatsTestServer.start();
		app = start(1);
		client = client(app);
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
		if (nats != null) {
			nats.close();
		}
	}

	@Test
	void pausedShardShouldShowAsSuchApplyNothingAndResumeWhereItStopped() {
		Reply paused = post(client, "/actuator/harmonylite/shards/0", "pause");

		assertThat(paused.status()).isEqualTo(200);
		assertThat(paused.body()).containsEntry("outcome", "DONE").containsEntry("target", "shards");
		assertThat(paused.body().get("detail")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("pausedManually", true);
		assertThat(get("/actuator/harmonylite")).containsEntry("state", "PAUSED_MANUALLY");
		assertThat(get("/actuator/health/harmonylite")).containsEntry("status", "PAUSED");
		assertThat(post(client, "/actuator/harmonylite/shards/0", "pause").body()).containsEntry("outcome",
				"UNCHANGED");

		client.post().uri("/books").body(new Book(null, "Written while paused", "Author", 2001)).retrieve()
			.toBodilessEntity();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get("/actuator/harmonylite/shards/0"))
			.containsEntry("lag", 1));
		long appliedWhilePaused = appliedBooks();

		Reply resumed = post(client, "/actuator/harmonylite/shards/0", "resume");

		assertThat(resumed.status()).isEqualTo(200);
		assertThat(resumed.body()).containsEntry("outcome", "DONE");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get("/actuator/harmonylite/shards/0"))
			.containsEntry("lag", 0)
			.containsEntry("pausedManually", false));
		assertThat(appliedBooks()).isEqualTo(appliedWhilePaused + 1);
		assertThat(get("/actuator/harmonylite")).containsEntry("state", "RUNNING");
	}

	@Test
	void requestsThatCannotApplyShouldBeAnsweredWithTheirStatusAndTheFix() {
		Reply unknownShard = post(client, "/actuator/harmonylite/shards/7", "pause");
		assertThat(unknownShard.status()).isEqualTo(404);
		assertThat(unknownShard.body()).containsEntry("outcome", "NOT_FOUND")
			.containsEntry("message", "Node 1 has no shard '7': harmonylite.replication.shards is 1, so shards are "
					+ "numbered 0 to 0");

		Reply unknownAction = post(client, "/actuator/harmonylite/shards/0", "explode");
		assertThat(unknownAction.status()).isEqualTo(400);
		assertThat(unknownAction.body().get("message")).asString().contains("send one of pause, resume");

		Reply unknownTarget = post(client, "/actuator/harmonylite/streams", "purge");
		assertThat(unknownTarget.status()).isEqualTo(404);

		int unknownShardRead = client.get()
			.uri("/actuator/harmonylite/shards/7")
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(unknownShardRead).isEqualTo(404);
	}

	@Test
	void uninstallShouldStopTheNodeAndLeaveNoHarmonyLiteObjectInItsDatabase() {
		try (ConfigurableApplicationContext second = start(2)) {
			RestClient secondClient = client(second);

			Reply uninstalled = post(secondClient, "/actuator/harmonylite/capture", "uninstall");

			assertThat(uninstalled.status()).isEqualTo(200);
			assertThat(uninstalled.body()).containsEntry("outcome", "DONE");
			assertThat(uninstalled.body().get("message")).asString().contains("Node 2 is stopped");
			assertThat(secondClient.get().uri("/actuator/harmonylite").retrieve().body(JSON)).containsEntry("state",
					"STOPPED");
			List<String> left = second.getBean(JdbcClient.class)
				.sql("SELECT name FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'")
				.query(String.class)
				.list();
			assertThat(left).isEmpty();
		}
	}

	private static ConfigurableApplicationContext start(int node) {
		return new SpringApplicationBuilder(HarmonyLiteSampleApplication.class).run("--server.port=0",
				"--harmonylite.node-id=" + node, "--harmonylite.db-path=" + dir.resolve("node-" + node + ".db"),
				"--harmonylite.nats.urls=" + nats.url(), "--harmonylite.replication.stream-prefix=ops-it",
				"--harmonylite.replication.subject-prefix=ops-it-subject",
				"--management.endpoint.harmonylite.access=unrestricted");
	}

	private static RestClient client(ConfigurableApplicationContext context) {
		return RestClient.create("http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port"));
	}

	private static long appliedBooks() {
		return app.getBean(HarmonyLiteEngine.class).status().counters().appliedByTable().getOrDefault("Books", 0L);
	}

	private static Map<String, Object> get(String path) {
		return client.get().uri(path).exchange((request, response) -> response.bodyTo(JSON));
	}

	private static Reply post(RestClient target, String path, String action) {
		return target.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", action))
			.exchange((request, response) -> new Reply(response.getStatusCode().value(), response.bodyTo(JSON)));
	}

	/**
	 * An answer of the endpoint.
	 */
	record Reply(int status, Map<String, Object> body) {
	}

}
