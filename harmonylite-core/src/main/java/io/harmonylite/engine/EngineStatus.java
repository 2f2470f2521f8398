package io.harmonylite.engine;

import java.util.List;

/**
 * A point-in-time view of a node, read by the Actuator endpoint, the health indicator and the metrics.
 *
 * @param nodeId this node's id
 * @param running whether the engine is started
 * @param watchedTables the tables whose changes are captured
 * @param pendingChanges captured changes not yet acknowledged by JetStream
 * @since 0.1.0
 */
public record EngineStatus(long nodeId, boolean running, List<String> watchedTables, long pendingChanges) {

	public EngineStatus {
		watchedTables = List.copyOf(watchedTables);
	}

}
