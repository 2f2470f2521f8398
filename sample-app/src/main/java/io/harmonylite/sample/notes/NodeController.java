package io.harmonylite.sample.notes;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/node}: which node serves the page, and its replication status.
 */
@RestController
class NodeController {

	private final HarmonyLiteEngine engine;

	NodeController(HarmonyLiteEngine engine) {
		this.engine = engine;
	}

	@GetMapping("/api/node")
	NodeView node() {
		return NodeView.of(this.engine.status());
	}

}
