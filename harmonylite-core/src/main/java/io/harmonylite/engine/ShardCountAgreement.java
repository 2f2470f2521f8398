package io.harmonylite.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the running nodes of the cluster replicate as many shards as this one: a node with another number sends
 * part of its changes to streams the others never read, and reads none of theirs from the streams only it has, so the
 * nodes diverge silently. At startup a disagreement stops the node; found while it runs (nodes started at the same
 * moment), it is a {@link ProblemKind#CLUSTER_CONFIG_MISMATCH} problem, {@code DOWN}, until the nodes agree.
 */
final class ShardCountAgreement implements ProblemSource {

	/** The property every node must set alike. */
	static final String PROPERTY = "harmonylite.replication.shards";

	private static final Logger logger = LoggerFactory.getLogger(ShardCountAgreement.class);

	private final long nodeId;

	private final int shards;

	private final Clock clock;

	private volatile @Nullable Disagreement disagreement;

	ShardCountAgreement(long nodeId, int shards, Clock clock) {
		this.nodeId = nodeId;
		this.shards = shards;
		this.clock = clock;
	}

	/**
	 * What is wrong when some of the other nodes replicate another number of shards.
	 * @param others the number of shards of each other running node, by id; 0 when a node does not say
	 * @return the explanation, {@code null} when they all agree (or do not say)
	 */
	@Nullable String disagreementWith(Map<Long, Integer> others) {
		Map<Integer, List<Long>> differing = new TreeMap<>(others.entrySet()
			.stream()
			.filter((other) -> other.getValue() > 0 && other.getValue() != this.shards)
			.collect(Collectors.groupingBy(Map.Entry::getValue,
					Collectors.mapping(Map.Entry::getKey, Collectors.toList()))));
		if (differing.isEmpty()) {
			return null;
		}
		String them = differing.entrySet()
			.stream()
			.map((entry) -> "node(s) " + entry.getValue() + " replicate " + entry.getKey())
			.collect(Collectors.joining(", "));
		return "this node (" + this.nodeId + ") replicates " + this.shards + " shard(s), but " + them + ": every node "
				+ "of a cluster must set " + PROPERTY + " alike, or the changes of the shards only some nodes have "
				+ "never reach the others. Set the same value on every node and restart the ones that differ";
	}

	/**
	 * Checks the other running nodes again, logging an ERROR when a disagreement begins.
	 * @param others the number of shards of each other running node, by id
	 */
	void check(Map<Long, Integer> others) {
		String reason = disagreementWith(others);
		Disagreement previous = this.disagreement;
		if (reason == null) {
			this.disagreement = null;
			return;
		}
		if (previous == null || !Objects.equals(previous.reason(), reason)) {
			logger.error("Node {}: {}", this.nodeId, reason);
			this.disagreement = new Disagreement(reason, this.clock.instant());
		}
	}

	@Override
	public List<Problem> problems() {
		Disagreement current = this.disagreement;
		return (current == null) ? List.of()
				: List.of(new Problem(ProblemKind.CLUSTER_CONFIG_MISMATCH, Severity.DOWN, PROPERTY, current.reason(),
						current.since()));
	}

	private record Disagreement(String reason, Instant since) {
	}

}
