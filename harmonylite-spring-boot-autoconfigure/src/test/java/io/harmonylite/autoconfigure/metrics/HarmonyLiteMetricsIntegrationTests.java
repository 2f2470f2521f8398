package io.harmonylite.autoconfigure.metrics;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.NatsServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured engine, started against a real nats-server, feeds the meters: its apply listener is
 * registered on the builder, and its counters are read from its status.
 */
class HarmonyLiteMetricsIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path dir;

	@Test
	void localChangeShouldBeCountedAsPublishedAndAppliedWithLag() throws Exception {
		Path db = this.dir.resolve("metrics.db");
		try (Connection connection = SqliteConnections.open(db); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					HarmonyLiteAutoConfiguration.class, HarmonyLiteMetricsAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=5", "harmonylite.db-path=" + db,
					"harmonylite.nats.urls=" + nats.url(), "harmonylite.polling-interval=20ms",
					"harmonylite.replication.stream-prefix=metrics-it")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(HarmonyLiteEngine.class).isRunning()).isTrue();
				try (Connection connection = SqliteConnections.open(db);
						Statement statement = connection.createStatement()) {
					statement.execute("INSERT INTO Books VALUES (1, 'Dune')");
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					// As a scrape does: reading the meters reads the status, which gives the tables their counters.
					registry.getMeters().forEach((meter) -> meter.measure().forEach((measurement) -> measurement.getValue()));
					assertThat(registry.get(HarmonyLiteMetrics.APPLIED).tag("node_id", "5").tag("table", "Books")
						.functionCounter().count()).isEqualTo(1);
					assertThat(registry.get(ApplyMetrics.REPLICATION_LAG).tag("node_id", "5").timer().count())
						.isEqualTo(1);
					assertThat(registry.get(ApplyMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(1);
					assertThat(registry.get(HarmonyLiteMetrics.DEAD_LETTERS).functionCounter().count()).isZero();
					assertThat(registry.get(HarmonyLiteMetrics.PENDING).gauge().value()).isZero();
					assertThat(registry.get(HarmonyLiteMetrics.PUBLISHED).tag("table", "Books")
						.functionCounter().count()).isEqualTo(1);
					assertThat(registry.get(HarmonyLiteMetrics.STREAM_LAG).tag("shard", "0").gauge().value())
						.isZero();
				});
			});
	}

}
