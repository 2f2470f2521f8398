package io.harmonylite.schema;

import java.util.List;
import java.util.Set;

/**
 * A {@link SchemaRegistry} for tests whose every call fails, as when NATS is down.
 */
public final class UnreachableSchemaRegistry implements SchemaRegistry {

	@Override
	public void publish(NodeSchemaState state) {
		throw new IllegalStateException("NATS is down");
	}

	@Override
	public List<NodeSchemaState> nodes() {
		throw new IllegalStateException("NATS is down");
	}

	@Override
	public Set<String> reportedHashes() {
		throw new IllegalStateException("NATS is down");
	}

}
