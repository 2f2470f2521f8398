package io.harmonylite.autoconfigure.events;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two applications on a real nats-server: a change written on node 1 reaches node 2's {@code @EventListener} as a
 * {@link ReplicatedChangeEvent}, on HarmonyLite's events thread; node 2's own writes publish nothing.
 */
class ReplicatedChangeEventIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	@BeforeEach
	void createTables() throws Exception {
		for (int node = 1; node <= 2; node++) {
			execute(node, "CREATE TABLE notes (id TEXT PRIMARY KEY, title TEXT)");
		}
	}

	@Test
	void changeWrittenOnAnotherNodeShouldBePublishedAfterItIsCommittedHere() {
		node(1).run((one) -> node(2).withUserConfiguration(Collector.class).run((two) -> {
			Collector collector = two.getBean(Collector.class);
			execute(2, "INSERT INTO notes VALUES ('own', 'written on node 2')");
			execute(1, "INSERT INTO notes VALUES ('n1', 'written on node 1')");

			HarmonyLiteEngine engine = two.getBean(HarmonyLiteEngine.class);
			await().atMost(Duration.ofSeconds(60))
				.until(() -> engine.status().counters().appliedByTable().getOrDefault("notes", 0L) == 2);
			await().atMost(Duration.ofSeconds(60)).until(() -> !collector.events.isEmpty());
			ReplicatedChangeEvent event = collector.events.get(0);
			assertThat(event.getTable()).isEqualTo("notes");
			assertThat(event.getOperation()).isEqualTo(Operation.INSERT);
			assertThat(event.getKey()).containsEntry("id", "n1");
			assertThat(event.getOriginNodeId()).isEqualTo(1);
			assertThat(collector.threads).containsOnly("harmonylite-events");
			assertThat(collector.titlesSeen).as("committed before it was published").containsExactly("written on node 1");
			assertThat(collector.events).as("node 2's own insert was applied too, and published nothing").hasSize(1);
		}));
	}

	private ApplicationContextRunner node(int id) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(HarmonyLiteAutoConfiguration.class, HarmonyLiteEventsAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=" + id, "harmonylite.db-path=" + db(id),
					"harmonylite.nats.urls=" + nats.url(), "harmonylite.polling-interval=20ms",
					"harmonylite.replication.stream-prefix=events-it", "harmonylite.replication.subject-prefix=events-it-s");
	}

	private Path db(int node) {
		return this.dir.resolve("node-" + node + ".db");
	}

	private void execute(int node, String sql) {
		try (Connection connection = SqliteConnections.open(db(node)); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Collector {

		final List<ReplicatedChangeEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<String> titlesSeen = new CopyOnWriteArrayList<>();

		private final Path database;

		Collector(Environment environment) {
			this.database = Path.of(environment.getRequiredProperty("harmonylite.db-path"));
		}

		@EventListener
		void on(ReplicatedChangeEvent event) throws Exception {
			this.threads.add(Thread.currentThread().getName());
			try (Connection connection = SqliteConnections.open(this.database);
					PreparedStatement statement = connection.prepareStatement("SELECT title FROM notes WHERE id = ?")) {
				statement.setObject(1, event.getKey().get("id"));
				try (ResultSet rows = statement.executeQuery()) {
					this.titlesSeen.add(rows.next() ? rows.getString(1) : "(missing)");
				}
			}
			this.events.add(event);
		}

	}

}
