package io.harmonylite.nats;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration {@link EmbeddedNatsServer} writes for {@code nats-server}.
 */
class EmbeddedNatsServerTests {

	@Test
	void configTextWithClusterSettingsShouldDeclareServerNameJetStreamListenAndRoutes() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of("/data/nats"), 4222, "0.0.0.0:6222",
				List.of("nats://node-2:6222", "nats://node-3:6222"));
		String text = new EmbeddedNatsServer(config, 1, Path.of("/data/app.db")).configText(4222);
		assertThat(text).contains("server_name: \"harmonylite-node-1\"")
			.contains("listen: \"127.0.0.1:4222\"")
			.contains("store_dir: \"/data/nats\"")
			.contains("cluster {\n  name: \"harmonylite\"\n  listen: \"0.0.0.0:6222\"\n  no_advertise: true\n  routes: [\n"
					+ "    \"nats://node-2:6222\"\n    \"nats://node-3:6222\"\n  ]\n}");
	}

	@Test
	void configTextWithoutClusterAddressShouldRunSingleServer() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, null, 4222, null, List.of());
		EmbeddedNatsServer server = new EmbeddedNatsServer(config, 3, Path.of("/data/app.db"));
		assertThat(server.configText(4222)).doesNotContain("cluster");
		assertThat(server.storeDir()).isEqualTo(Path.of("/data/app.db-nats"));
	}

	@Test
	void configTextShouldEscapeQuotesAndBackslashesInPaths() {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of("/data/we\"ird\\dir"), 4222, null, List.of());
		String text = new EmbeddedNatsServer(config, 1, Path.of("/data/app.db")).configText(4222);
		assertThat(text).contains("store_dir: \"/data/we\\\"ird\\\\dir\"");
	}

}
