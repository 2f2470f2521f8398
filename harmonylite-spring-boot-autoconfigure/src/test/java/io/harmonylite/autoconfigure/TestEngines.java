package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.NatsConfig;

/**
 * Engines for tests, never bound to a fixed port: port 4222 may be taken on the machine.
 */
public final class TestEngines {

	private TestEngines() {
	}

	/**
	 * An engine, not started, whose embedded nats-server would take a free port.
	 * @param nodeId the node id
	 * @param db the database file
	 * @return the engine
	 */
	public static HarmonyLiteEngine unstarted(long nodeId, Path db) {
		return HarmonyLiteEngine
			.builder(HarmonyLiteConfig.builder().nodeId(nodeId).dbPath(db).nats(embeddedOnFreePort()).build())
			.build();
	}

	/**
	 * The default NATS settings with an embedded server on a free port.
	 * @return the settings
	 */
	public static NatsConfig embeddedOnFreePort() {
		NatsConfig defaults = NatsConfig.embeddedDefaults();
		return new NatsConfig(List.of(), null, null, null, null, null, null, null, defaults.connectRetries(),
				defaults.reconnectWait(), new EmbeddedNatsConfig(null, null, 0, null, List.of()));
	}

}
