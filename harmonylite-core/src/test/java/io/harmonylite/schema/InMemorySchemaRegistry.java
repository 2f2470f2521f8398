package io.harmonylite.schema;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SchemaRegistry} in memory for tests: entries expire {@code ttl} after their last publish, like the NATS KV
 * bucket's.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

	private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	private final Duration ttl;

	private final Clock clock;

	public InMemorySchemaRegistry() {
		this(Duration.ofMinutes(5), Clock.systemUTC());
	}

	public InMemorySchemaRegistry(Duration ttl, Clock clock) {
		this.ttl = ttl;
		this.clock = clock;
	}

	@Override
	public void publish(NodeSchemaState state) {
		this.entries.put(state.nodeId(), new Entry(state, this.clock.instant()));
		this.reported.add(state.schemaHash());
		if (state.previousHash() != null) {
			this.reported.add(state.previousHash());
		}
	}

	@Override
	public Set<String> reportedHashes() {
		return Set.copyOf(this.reported);
	}

	@Override
	public List<NodeSchemaState> nodes() {
		Instant now = this.clock.instant();
		this.entries.values().removeIf((entry) -> !entry.publishedAt().plus(this.ttl).isAfter(now));
		return this.entries.values()
			.stream()
			.map(Entry::state)
			.sorted(Comparator.comparingLong(NodeSchemaState::nodeId))
			.toList();
	}

	private record Entry(NodeSchemaState state, Instant publishedAt) {
	}

}
