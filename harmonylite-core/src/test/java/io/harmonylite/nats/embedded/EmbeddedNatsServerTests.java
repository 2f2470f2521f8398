package io.harmonylite.nats.embedded;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The configuration an embedded {@code nats-server} is started with, and what its settings mean for the cluster.
 */
class EmbeddedNatsServerTests {

	@Test
	void configTextWithClusterSettingsShouldDeclareServerNameJetStreamListenAndRoutes() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of("/data/nats"), 4222, "0.0.0.0:6222",
				List.of("nats://node-2:6222", "nats://node-3:6222"));
		String text = ServerConfigText.render(config, 1, Path.of("/data/nats"), 4222, true);
		assertThat(text).contains("server_name: \"harmonylite-node-1\"")
			.contains("listen: \"127.0.0.1:4222\"")
			.contains("store_dir: \"/data/nats\"")
			.contains("cluster {\n  name: \"harmonylite\"\n  listen: \"0.0.0.0:6222\"\n  no_advertise: true\n  routes: [\n"
					+ "    \"nats://node-2:6222\"\n    \"nats://node-3:6222\"\n  ]\n}");
	}

	@Test
	void configTextShouldSyncAlwaysAndAllowEightMegabyteMessagesByDefault() {
		String text = ServerConfigText.render(EmbeddedNatsConfig.defaults(), 1, Path.of("/data/nats"), 4222, true);
		assertThat(text).contains("jetstream {\n  store_dir: \"/data/nats\"\n  sync_interval: always\n}")
			.contains("max_payload: 8388608")
			.contains("pid_file: \"/data/nats/nats-server.pid\"")
			.contains("ping_interval: \"2s\"\nping_max: 2\n")
			.doesNotContain("http:");
	}

	@Test
	void configTextShouldWriteConfiguredSyncIntervalPayloadAndMonitoringPort() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, null, 4222, null, List.of(), "2m", 2048, 8222);
		String text = ServerConfigText.render(config, 1, Path.of("/data/nats"), 4222, true);
		assertThat(text).contains("  sync_interval: \"2m\"\n").contains("max_payload: 2048\n")
			.contains("http: \"127.0.0.1:8222\"\n");
	}

	@Test
	void configTextForServerOlderThanTwoTenShouldLeaveOutTheSyncItWouldRefuse() {
		String text = ServerConfigText.render(EmbeddedNatsConfig.defaults(), 1, Path.of("/data/nats"), 4222, false);
		assertThat(text).doesNotContain("sync_interval");
	}

	@Test
	void configTextWithoutClusterAddressShouldRunSingleServer() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, null, 4222, null, List.of());
		EmbeddedNatsServer server = new EmbeddedNatsServer(config, 3, Path.of("/data/app.db"));
		assertThat(ServerConfigText.render(config, 3, server.storeDir(), 4222, true)).doesNotContain("cluster");
		assertThat(server.storeDir()).isEqualTo(Path.of("/data/app.db-nats"));
	}

	@Test
	void configTextShouldEscapeQuotesAndBackslashesInPaths() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of("/data/we\"ird\\dir"), 4222, null, List.of());
		String text = ServerConfigText.render(config, 1, Path.of("/data/we\"ird\\dir"), 4222, true);
		assertThat(text).contains("store_dir: \"/data/we\\\"ird\\\\dir\"");
	}

	@Test
	void seedServerWithoutPeersShouldRouteToItselfSoThatJetStreamClusterStarts() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, null, 4222, "0.0.0.0:4221", List.of());
		assertThat(config.routes()).containsExactly("nats://127.0.0.1:4221");
		assertThat(config.serverCount()).isEqualTo(1);
		assertThat(ServerConfigText.render(config, 1, Path.of("/data/nats"), 4222, true))
			.contains("  routes: [\n    \"nats://127.0.0.1:4221\"\n  ]\n");
	}

	@Test
	void serverCountShouldCountThisServerAndEachOtherPeerOnce() {
		EmbeddedNatsConfig listsItself = new EmbeddedNatsConfig(null, null, 4222, "localhost:4221",
				List.of("nats://127.0.0.1:4221/", "nats://localhost:4222/", "nats://localhost:4223", "nats://localhost:4223"));
		assertThat(listsItself.serverCount()).isEqualTo(3);
		assertThat(new EmbeddedNatsConfig(null, null, 4222, "node1.example:4221",
				List.of("nats://node2.example:4221", "nats://node3.example:4221")).serverCount()).isEqualTo(3);
		assertThat(EmbeddedNatsConfig.defaults().serverCount()).isEqualTo(1);
	}

	@Test
	void syncOtherThanAlwaysOrAnIntervalShouldFailNamingTheProperty() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> new EmbeddedNatsConfig(null, null, 4222, null, List.of(), "never", 1024 * 1024, 0))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.sync"))
			.withMessageContaining("'never'");
	}

	@Test
	void maxPayloadAboveNatsServersLimitShouldFailNamingTheProperty() {
		assertThatExceptionOfType(ConfigException.class)
			.isThrownBy(() -> new EmbeddedNatsConfig(null, null, 4222, null, List.of(), "always", 65L * 1024 * 1024,
					0))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.nats.embedded.max-payload"));
	}

	@Test
	void versionShouldBeParsedFromTheServersOutputAndKnowWhetherItCanSyncAlways() {
		assertThat(NatsServerVersion.parse("nats-server: v2.10.27\n")).isEqualTo(new NatsServerVersion(2, 10, 27));
		assertThat(NatsServerVersion.parse("nats-server: v2.10.27").supportsSyncAlways()).isTrue();
		assertThat(NatsServerVersion.parse("2.9.10").supportsSyncAlways()).isFalse();
		assertThat(NatsServerVersion.parse("3.0.0").supportsSyncAlways()).isTrue();
		assertThat(NatsServerVersion.parse("nats-server: dev")).isNull();
	}

}
