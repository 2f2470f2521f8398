package io.harmonylite.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.harmonylite.engine.EngineStatus.Problem;
import io.harmonylite.engine.EngineStatus.ProblemKind;
import io.harmonylite.engine.EngineStatus.Severity;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the running nodes of the cluster replicate with the settings every node must share: the number of shards
 * and the subject prefix. A node with another number sends part of its changes to streams the others never read; one
 * with another subject prefix publishes where no stream listens. Either way the nodes diverge silently. At startup a
 * disagreement stops the node; found while it runs (nodes started at the same moment), it is a
 * {@link ProblemKind#CLUSTER_CONFIG_MISMATCH} problem, {@code DOWN}, until the nodes agree.
 */
final class SettingsAgreement implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(SettingsAgreement.class);

	private final long nodeId;

	private final Settings own;

	private final Clock clock;

	private volatile @Nullable Disagreement disagreement;

	SettingsAgreement(long nodeId, Settings own, Clock clock) {
		this.nodeId = nodeId;
		this.own = own;
		this.clock = clock;
	}

	/**
	 * What is wrong when some of the other nodes replicate with other settings.
	 * @param others the settings of each other running node, by id
	 * @return the disagreement, {@code null} when they all agree (or do not say)
	 */
	@Nullable Disagreement disagreementWith(Map<Long, Settings> others) {
		String shards = differing(others, (settings) -> (settings.shards() > 0) ? settings.shards() : null,
				this.own.shards());
		if (shards != null) {
			return new Disagreement(Settings.SHARDS, "this node (" + this.nodeId + ") replicates " + this.own.shards()
					+ " shard(s), but " + shards + ": every node of a cluster must set " + Settings.SHARDS
					+ " alike, or the changes of the shards only some nodes have never reach the others. Set the same "
					+ "value on every node and restart the ones that differ", this.clock.instant());
		}
		String subjects = differing(others,
				(settings) -> settings.subjectPrefix().isEmpty() ? null : settings.subjectPrefix(),
				this.own.subjectPrefix());
		if (subjects != null) {
			return new Disagreement(Settings.SUBJECT_PREFIX, "this node (" + this.nodeId + ") publishes with subject "
					+ "prefix " + this.own.subjectPrefix() + ", but " + subjects + ": every node of a cluster must set "
					+ Settings.SUBJECT_PREFIX + " alike, or its changes go where no stream of the others listens. Set "
					+ "the same value on every node and restart the ones that differ", this.clock.instant());
		}
		return null;
	}

	/** Which other nodes have another value, grouped by value; {@code null} when none does. */
	private static <T> @Nullable String differing(Map<Long, Settings> others, Function<Settings, @Nullable T> value,
			T own) {
		Map<String, List<Long>> differing = new TreeMap<>();
		others.forEach((nodeId, settings) -> {
			T theirs = value.apply(settings);
			if (theirs != null && !theirs.equals(own)) {
				differing.computeIfAbsent(String.valueOf(theirs), (key) -> new ArrayList<>()).add(nodeId);
			}
		});
		return differing.isEmpty() ? null : differing.entrySet()
			.stream()
			.map((entry) -> "node(s) " + entry.getValue() + " use " + entry.getKey())
			.collect(Collectors.joining(", "));
	}

	/**
	 * Checks the other running nodes again, logging an ERROR when a disagreement begins.
	 * @param others the settings of each other running node, by id
	 */
	void check(Map<Long, Settings> others) {
		Disagreement found = disagreementWith(others);
		Disagreement previous = this.disagreement;
		if (found == null) {
			this.disagreement = null;
			return;
		}
		if (previous == null || !Objects.equals(previous.reason(), found.reason())) {
			logger.error("Node {}: {}", this.nodeId, found.reason());
			this.disagreement = found;
		}
	}

	@Override
	public List<Problem> problems() {
		Disagreement current = this.disagreement;
		return (current == null) ? List.of()
				: List.of(new Problem(ProblemKind.CLUSTER_CONFIG_MISMATCH, Severity.DOWN, current.property(),
						current.reason(), current.since()));
	}

	/**
	 * The settings every node of a cluster must share.
	 *
	 * @param shards the number of shards, 0 when unknown
	 * @param subjectPrefix the subject prefix, empty when unknown
	 */
	record Settings(int shards, String subjectPrefix) {

		static final String SHARDS = "harmonylite.replication.shards";

		static final String SUBJECT_PREFIX = "harmonylite.replication.subject-prefix";

	}

	/**
	 * Settings of other nodes that differ from this node's.
	 *
	 * @param property the property to set alike
	 * @param reason what differs, and the fix
	 * @param since when it was found
	 */
	record Disagreement(String property, String reason, Instant since) {
	}

}
