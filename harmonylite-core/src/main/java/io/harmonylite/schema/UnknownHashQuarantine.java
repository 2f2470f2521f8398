package io.harmonylite.schema;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a change whose schema hash this node does not accept keeps its shard waiting or is quarantined:
 * while any node in the schema registry reports the hash, now or ever before (a rolling upgrade in progress, or a
 * node that upgraded and left), the shard waits for this node's schema to catch up; a hash that no node has ever
 * reported cannot come from any schema of the cluster, and once it has been unknown for
 * {@value SchemaConfig#UNKNOWN_HASH_QUARANTINE_PROPERTY} its message is quarantined (dead-lettered) so the shard goes on.
 * A hash the cluster has left can no longer be waited for either: a node of the registry moved from it to another
 * (it is that node's previous hash), and every node of the registry now reports this node's hash, for as long as that
 * delay since the message was first judged; no migration in progress brings it back. (The hash of a node that upgraded
 * and left the registry is no such hash: this node may not have migrated yet.) Its changes are applied when they fit this node's tables (the applier checks their tables and
 * columns, and dead-letters those that do not), e.g. changes a node made while it watched other tables by mistake, or
 * changes of an intermediate schema that other nodes migrated past in one step.
 * <p>
 * The registry is read by {@link #refresh(SchemaRegistry)} on a maintenance thread; {@link #judge(String)} answers from
 * what was read, without I/O, on the apply thread. Until the registry was read once, and while the last read is not
 * newer than the moment a hash was first seen, nothing is quarantined. Thread-safe.
 *
 * @since 0.1.0
 */
public final class UnknownHashQuarantine {

	private static final Logger logger = LoggerFactory.getLogger(UnknownHashQuarantine.class);

	/**
	 * How long after the stream stored a change its node must have reported another schema for the change to count
	 * as made under an older one: the node's report carries its own clock, the storage time the servers'.
	 */
	private static final Duration REPORTED_WELL_AFTER = Duration.ofMinutes(1);

	private final long nodeId;

	private final Duration delay;

	private final Clock clock;

	private volatile @Nullable Known known;

	// When each hash unknown to the registry was first judged.
	private final Map<String, Instant> firstUnknown = new ConcurrentHashMap<>();

	// When each hash the registry knows, but no node reports as its current one, was first judged.
	private final Map<String, Instant> firstLeft = new ConcurrentHashMap<>();

	/**
	 * Creates the decision.
	 * @param nodeId this node's id, for the logs
	 * @param delay how long a hash must stay unknown before its messages are quarantined
	 * @param clock the clock
	 */
	public UnknownHashQuarantine(long nodeId, Duration delay, Clock clock) {
		this.nodeId = nodeId;
		this.delay = Objects.requireNonNull(delay, "delay");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/**
	 * Reads the hashes the cluster ever reported; keeps the previous read when the registry cannot be reached.
	 * @param registry the schema registry
	 */
	public void refresh(SchemaRegistry registry) {
		Instant now = this.clock.instant();
		try {
			List<NodeSchemaState> nodes = registry.nodes();
			Set<String> current = currentHashes(nodes);
			Set<String> previous = previousHashes(nodes);
			Set<String> hashes = registry.reportedHashes();
			Map<Long, NodeSchemaState> byNode = nodes.stream()
				.collect(Collectors.toUnmodifiableMap(NodeSchemaState::nodeId, (node) -> node, (a, b) -> b));
			this.known = new Known(Set.copyOf(hashes), current, previous, byNode, now);
			this.firstUnknown.keySet().removeIf(hashes::contains);
			this.firstLeft.keySet().removeIf(current::contains);
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not read the schema hashes of the registry; no message is quarantined until it "
					+ "can be read: {}", this.nodeId, ex.getMessage());
		}
	}

	/**
	 * How long a hash may stay unknown before its messages are quarantined.
	 * @return the delay
	 */
	public Duration delay() {
		return this.delay;
	}

	/**
	 * Judges a hash this node does not accept.
	 * @param hash the schema hash a change carries
	 * @param ownHash this node's current schema hash
	 * @return whether to wait (and for how long at most before judging again), to quarantine, or to apply what fits
	 */
	public Verdict judge(String hash, String ownHash) {
		return judge(hash, ownHash, null, 0);
	}

	/**
	 * Judges a hash this node does not accept, in a message stored at a known time by a known node. A hash no node
	 * reported is quarantined once the registry, read when the message had existed for the delay, still lacks it: the
	 * delay counts from when the stream stored the message, but from no earlier than the delay before this node first
	 * saw the hash (the servers' clocks may differ from this node's), so that messages with made-up hashes held behind
	 * one another do not wait a delay each. A hash its own node has moved past is left: the node that made the change
	 * reported, well after the stream stored it, neither that hash nor it as its previous one, so the change was made
	 * under one of its older schemas (its schemas follow one another), which no migration brings back; such a change is
	 * applied where it fits this node's tables, like changes of a schema the cluster left. That frees a shard that
	 * waited on an old change while the cluster migrated twice.
	 * @param hash the schema hash a change carries
	 * @param ownHash this node's current schema hash
	 * @param storedAt when the stream stored the message, {@code null} when unknown (the delay then counts from when
	 * this node first saw the hash)
	 * @param originNodeId the node that made the change, 0 when unknown
	 * @return whether to wait (and for how long at most before judging again), to quarantine, or to apply what fits
	 */
	public Verdict judge(String hash, String ownHash, @Nullable Instant storedAt, long originNodeId) {
		Known current = this.known;
		if (current == null) {
			return new Verdict(false, this.delay, "the schema registry was not read yet");
		}
		if (current.hashes().contains(hash)) {
			this.firstUnknown.remove(hash);
			List<Long> migratedFrom = migratedFrom(current, hash, ownHash);
			if (!migratedFrom.isEmpty()) {
				return new Verdict(false, true, false, Duration.ZERO, "node(s) " + migratedFrom + " of this node's schema "
						+ "migrated to it from schema hash " + SchemaHasher.shortHash(hash) + ": its changes are applied "
						+ "as they do, as changes of the previous schema (this node started on the newer schema, e.g. "
						+ "from a snapshot or a new database), those that do not fit going to the dead letter");
			}
			NodeSchemaState origin = current.byNode().get(originNodeId);
			if (storedAt != null && origin != null && origin.updatedAt().isAfter(storedAt.plus(REPORTED_WELL_AFTER))
					&& !hash.equals(origin.schemaHash()) && !hash.equals(origin.previousHash())) {
				return new Verdict(false, true, true, Duration.ZERO, "node " + originNodeId + ", which made this change "
						+ "under schema hash " + SchemaHasher.shortHash(hash) + ", has since moved past it (it reports "
						+ SchemaHasher.shortHash(origin.schemaHash()) + "): the change is applied where it fits this "
						+ "node's tables, column by name, the others go to the dead letter");
			}
			return judgeKnown(hash, ownHash, current);
		}
		Instant now = this.clock.instant();
		Instant firstSeen = this.firstUnknown.computeIfAbsent(hash, (unknown) -> now);
		boolean storedEarlier = storedAt != null && storedAt.isBefore(firstSeen);
		Instant since = storedEarlier ? latest(storedAt, firstSeen.minus(this.delay)) : firstSeen;
		Duration left = this.delay.minus(Duration.between(since, now));
		// Counted from the storage time, the registry must have been read once the message had existed for the delay;
		// counted from the first sight, once after it.
		boolean readSince = current.readAt().isAfter(storedEarlier ? since.plus(this.delay) : firstSeen);
		// Read before the hash was first seen, the registry may just not have the report of a node that changed its
		// schema a moment ago.
		String unknown = readSince
				? "no node in the schema registry has ever reported schema hash " + SchemaHasher.shortHash(hash)
				: "schema hash " + SchemaHasher.shortHash(hash) + " was not in the schema registry when this node last "
						+ "read it (" + current.readAt() + "), before it first saw the hash";
		boolean waiting = left.compareTo(Duration.ZERO) > 0 || !readSince;
		if (waiting) {
			return new Verdict(false, left.isNegative() ? Duration.ZERO : left,
					unknown + "; quarantined " + this.delay + " after " + (storedEarlier ? "the stream stored it"
							: "it was first seen") + " unless a node reports it");
		}
		return new Verdict(true, Duration.ZERO, unknown + " within " + this.delay + " ("
				+ SchemaConfig.UNKNOWN_HASH_QUARANTINE_PROPERTY + "), so no schema of the cluster made this change");
	}

	/**
	 * The nodes whose schema is this node's and whose previous one is the hash: they apply its changes as changes of
	 * their previous schema, and so may this node, which has the same tables. None when a node moved the other way,
	 * from this node's schema to the hash: then the hash may be the newer one (a migration rolled back on some node),
	 * whose changes this node must wait for its schema to take rather than apply without the columns it lacks.
	 */
	private static List<Long> migratedFrom(Known current, String hash, String ownHash) {
		boolean movedTheOtherWay = current.byNode()
			.values()
			.stream()
			.anyMatch((node) -> hash.equals(node.schemaHash()) && ownHash.equals(node.previousHash()));
		if (movedTheOtherWay) {
			return List.of();
		}
		return current.byNode()
			.values()
			.stream()
			.filter((node) -> ownHash.equals(node.schemaHash()) && hash.equals(node.previousHash()))
			.map(NodeSchemaState::nodeId)
			.sorted()
			.toList();
	}

	private static Instant latest(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	private Verdict judgeKnown(String hash, String ownHash, Known current) {
		boolean live = current.currentHashes().contains(hash) || current.previousHashes().contains(hash);
		String upgrade = (live ? "a node of the cluster reports schema hash " + SchemaHasher.shortHash(hash)
				+ " (a rolling upgrade in progress)"
				: "a node reported schema hash " + SchemaHasher.shortHash(hash) + " before, but no node of the "
						+ "schema registry reports it now (a node that upgraded and is offline, or an old message sent "
						+ "again)")
				+ "; waiting for this node's schema to catch up: apply the same migration here (or, when the nodes "
				+ "differ only in the tables they replicate, give every node the same harmonylite.tables and "
				+ "harmonylite.ignore-tables)" + (live ? ""
						: "; when no node will run that schema, skip the message (the shard action skip, or "
								+ "--skip-blocked of the stopped node)");
		if (!left(current.currentHashes(), current.previousHashes(), hash, ownHash)) {
			this.firstLeft.remove(hash);
			return new Verdict(false, this.delay, upgrade);
		}
		Instant now = this.clock.instant();
		Instant since = this.firstLeft.computeIfAbsent(hash, (left) -> now);
		Duration left = this.delay.minus(Duration.between(since, now));
		if (left.compareTo(Duration.ZERO) > 0 || !current.readAt().isAfter(since)) {
			return new Verdict(false, left.isNegative() ? Duration.ZERO : left, upgrade);
		}
		return new Verdict(false, true, false, Duration.ZERO, "the cluster left schema hash " + SchemaHasher.shortHash(hash)
				+ ": every node now reports " + SchemaHasher.shortHash(ownHash) + " (this node's); the changes made "
				+ "under it are applied where they fit this node's tables, the others go to the dead letter");
	}

	/**
	 * Whether the cluster left a hash, from the registry as last read (no delay): a node moved from it to another,
	 * and every node reports this node's hash.
	 * @param hash the hash a change carries
	 * @param ownHash this node's current hash
	 * @return {@code true} when no migration in progress brings the hash back
	 */
	public boolean left(String hash, String ownHash) {
		Known current = this.known;
		return current != null && left(current.currentHashes(), current.previousHashes(), hash, ownHash);
	}

	/**
	 * Whether no node of the cluster runs a hash any more, and every node runs this node's, from the registry as last
	 * read: wider than {@link #left(String, String)}, which also asks that a node moved from the hash, it is for
	 * re-applying a dead letter, which an operator asks for after a fix, and whose changes are then written where they
	 * fit this node's tables.
	 * @param hash the hash a change carries
	 * @param ownHash this node's current hash
	 * @return {@code true} when the cluster agrees on this node's hash and the change's is another
	 */
	public boolean gone(String hash, String ownHash) {
		Known current = this.known;
		return current != null && gone(current.currentHashes(), hash, ownHash);
	}

	/**
	 * Whether no node of the cluster runs a hash any more, and every node runs this node's, from the nodes of the
	 * registry (see {@link #gone(String, String)}).
	 * @param nodes the registry's nodes
	 * @param hash the hash a change carries
	 * @param ownHash this node's current hash
	 * @return {@code true} when the nodes agree on this node's hash and the change's is another
	 */
	public static boolean gone(List<NodeSchemaState> nodes, String hash, String ownHash) {
		return !nodes.isEmpty() && gone(currentHashes(nodes), hash, ownHash);
	}

	private static boolean gone(Set<String> currentHashes, String hash, String ownHash) {
		return currentHashes.equals(Set.of(ownHash)) && !hash.equals(ownHash);
	}

	/**
	 * Whether the cluster left a hash, from the nodes of the registry.
	 * @param nodes the registry's nodes
	 * @param hash the hash a change carries
	 * @param ownHash this node's current hash
	 * @return {@code true} when a node moved from the hash and every node reports this node's hash
	 */
	public static boolean left(List<NodeSchemaState> nodes, String hash, String ownHash) {
		return !nodes.isEmpty() && left(currentHashes(nodes), previousHashes(nodes), hash, ownHash);
	}

	private static boolean left(Set<String> currentHashes, Set<String> previousHashes, String hash, String ownHash) {
		return currentHashes.equals(Set.of(ownHash)) && previousHashes.contains(hash);
	}

	private static Set<String> currentHashes(List<NodeSchemaState> nodes) {
		return nodes.stream().map(NodeSchemaState::schemaHash).collect(Collectors.toUnmodifiableSet());
	}

	private static Set<String> previousHashes(List<NodeSchemaState> nodes) {
		return nodes.stream()
			.map(NodeSchemaState::previousHash)
			.filter(Objects::nonNull)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * What to do with a message whose hash this node does not accept.
	 *
	 * @param quarantine {@code true} to dead-letter it now
	 * @param left {@code true} when the cluster left the hash: apply the changes that fit this node's tables
	 * @param byNameOnly with {@code left}, the hash may be several migrations older than this node's, so its columns
	 * are matched by name only: a column renamed or dropped and another added in between could be taken for a rename
	 * @param judgeAgainIn when waiting (neither of the above), the longest time before the message should be judged
	 * again
	 * @param reason why, for the operator (no row data)
	 * @since 0.1.0
	 */
	public record Verdict(boolean quarantine, boolean left, boolean byNameOnly, Duration judgeAgainIn, String reason) {

		/**
		 * A verdict that waits or quarantines.
		 * @param quarantine {@code true} to dead-letter it now, {@code false} to keep the shard waiting
		 * @param judgeAgainIn when waiting, the longest time before the message should be judged again
		 * @param reason why, for the operator (no row data)
		 */
		public Verdict(boolean quarantine, Duration judgeAgainIn, String reason) {
			this(quarantine, false, false, judgeAgainIn, reason);
		}

	}

	private record Known(Set<String> hashes, Set<String> currentHashes, Set<String> previousHashes,
			Map<Long, NodeSchemaState> byNode, Instant readAt) {
	}

}
