package io.harmonylite.sample.notes;

import java.nio.file.Path;

import io.harmonylite.engine.HarmonyLiteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo app with {@code harmonylite.enabled=false} (docs/configuration.md, "Turning HarmonyLite off"): it runs
 * without an engine, and its node endpoint says so.
 */
@SpringBootTest
// Closed after the class, before its temporary directory (with the node\'s nats-server store) is deleted.
@DirtiesContext
class ReplicationDisabledTests {

	@TempDir
	static Path tempDir;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + tempDir.resolve("off.db"));
		registry.add("harmonylite.enabled", () -> false);
		registry.add("harmonylite.node-id", () -> 7);
	}

	@Autowired
	ObjectProvider<HarmonyLiteEngine> engine;

	@Autowired
	NodeController node;

	@Autowired
	NoteRepository notes;

	@Test
	void applicationShouldRunWithoutReplicationAndSaySo() {
		assertThat(this.engine.getIfAvailable()).isNull();
		NodeView view = this.node.node();
		assertThat(view.state()).isEqualTo("DISABLED");
		assertThat(view.nodeId()).isEqualTo(7);
		assertThat(this.notes.findAll()).isEmpty();
	}

}
