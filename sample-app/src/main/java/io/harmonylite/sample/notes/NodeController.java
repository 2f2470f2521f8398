package io.harmonylite.sample.notes;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/node}: which node serves the page, and its replication status.
 */
@RestController
class NodeController {

	private final ObjectProvider<HarmonyLiteEngine> engine;

	private final long nodeId;

	NodeController(ObjectProvider<HarmonyLiteEngine> engine, @Value("${harmonylite.node-id:0}") long nodeId) {
		this.engine = engine;
		this.nodeId = nodeId;
	}

	@GetMapping("/api/node")
	NodeView node() {
		HarmonyLiteEngine running = this.engine.getIfAvailable();
		// With harmonylite.enabled=false the application runs without replication.
		return (running != null) ? NodeView.of(running.status()) : NodeView.disabled(this.nodeId);
	}

}
