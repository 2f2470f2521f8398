package io.harmonylite.schema;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a replicated change may be applied given its sender's schema hash, and keeps track of the shards
 * paused by a mismatch. Thread-safe.
 * <p>
 * A change is applied when its hash is this node's current or previous hash (so the first upgraded node still accepts
 * changes from nodes not yet upgraded), or empty (sent by a node that did not know its hash, e.g. before hashes
 * existed). Any other hash pauses its shard: the caller applies nothing, skips nothing, keeps its position and has the
 * message redelivered later, until the local schema catches up.
 *
 * @since 0.1.0
 */
public final class SchemaGate {

	private static final Logger logger = LoggerFactory.getLogger(SchemaGate.class);

	private final long nodeId;

	private volatile Hashes hashes;

	private volatile long hashedAtSchemaVersion = -1;

	// Guarded by this.
	private final Map<Integer, Pause> paused = new TreeMap<>();

	private long pauses;

	private long resumes;

	/**
	 * Creates a gate with the node's recorded hashes and no paused shard.
	 * @param nodeId this node's id, for the logs
	 * @param currentHash the current schema hash
	 * @param previousHash the previous schema hash, {@code null} when there is none
	 */
	public SchemaGate(long nodeId, String currentHash, @Nullable String previousHash) {
		this.nodeId = nodeId;
		this.hashes = new Hashes(currentHash, previousHash);
	}

	/**
	 * Records the {@code PRAGMA schema_version} at which the current hash was computed, so that the applier can tell
	 * when the local schema moved on since (DDL not yet hashed, e.g. during a migration).
	 * @param schemaVersion the schema version the current hash describes
	 */
	public void hashedAt(long schemaVersion) {
		this.hashedAtSchemaVersion = schemaVersion;
	}

	/**
	 * Whether the local schema has changed since the current hash was computed: a change that does not fit the
	 * schema may then fit it once the hash is recomputed, and must wait rather than be rejected.
	 * @param schemaVersion the {@code PRAGMA schema_version} the caller sees now
	 * @return {@code true} when a hash was recorded for another schema version
	 */
	public boolean isStale(long schemaVersion) {
		long hashed = this.hashedAtSchemaVersion;
		return hashed >= 0 && schemaVersion >= 0 && hashed != schemaVersion;
	}

	/**
	 * Checks a change's schema hash against this node's hashes.
	 * @param eventHash the sender's hash carried by the change, empty when the sender did not know it
	 * @return {@link Decision#APPLY} for the current, the previous or an empty hash, otherwise
	 * {@link Decision#MISMATCH}
	 */
	public Decision check(String eventHash) {
		return this.hashes.accepts(eventHash) ? Decision.APPLY : Decision.MISMATCH;
	}

	/**
	 * This node's current schema hash.
	 * @return the current hash
	 */
	public String currentHash() {
		return this.hashes.current();
	}

	/**
	 * This node's previous schema hash.
	 * @return the previous hash, {@code null} when there is none
	 */
	public @Nullable String previousHash() {
		return this.hashes.previous();
	}

	/**
	 * Takes the local hashes after a schema change; does not resume anything by itself.
	 * @param currentHash the new current hash
	 * @param previousHash the new previous hash, {@code null} when there is none
	 * @return the paused shards whose blocking hash is now accepted, in order; the caller resumes them
	 */
	public synchronized Set<Integer> update(String currentHash, @Nullable String previousHash) {
		Hashes updated = new Hashes(currentHash, previousHash);
		this.hashes = updated;
		Set<Integer> resumable = new TreeSet<>();
		this.paused.forEach((shard, pause) -> {
			if (updated.accepts(pause.remoteHash())) {
				resumable.add(shard);
			}
		});
		return Collections.unmodifiableSet(resumable);
	}

	/**
	 * Marks a shard paused by a change whose hash did not match, and logs it at WARN. Pausing a shard that is already
	 * paused keeps its original time and is not counted again.
	 * @param shard the shard
	 * @param remoteHash the hash carried by the change that could not be applied
	 * @param since when the mismatch was detected
	 * @return {@code true} when the shard was not paused before
	 */
	public synchronized boolean pause(int shard, String remoteHash, Instant since) {
		Objects.requireNonNull(remoteHash, "remoteHash");
		Objects.requireNonNull(since, "since");
		Pause existing = this.paused.get(shard);
		if (existing != null) {
			if (!existing.remoteHash().equals(remoteHash)) {
				this.paused.put(shard, new Pause(remoteHash, existing.since()));
				logMismatch(shard, remoteHash);
			}
			return false;
		}
		this.paused.put(shard, new Pause(remoteHash, since));
		this.pauses++;
		logMismatch(shard, remoteHash);
		return true;
	}

	/**
	 * Resumes one shard and logs it at INFO.
	 * @param shard the shard
	 * @return {@code true} when the shard was paused
	 */
	public synchronized boolean resume(int shard) {
		Pause pause = this.paused.remove(shard);
		if (pause == null) {
			return false;
		}
		this.resumes++;
		logger.info("Node {}: schema of shard {} matches again (local {}, remote {}); replication of this shard resumed "
				+ "after a pause since {}", this.nodeId, shard, SchemaHasher.shortHash(this.hashes.current()),
				SchemaHasher.shortHash(pause.remoteHash()), pause.since());
		return true;
	}

	/**
	 * Lets a paused shard go on behind the message that paused it, which was moved to the dead letter (quarantined or
	 * skipped by an operator): not a resume, since the schemas still differ, so not counted as one.
	 * @param shard the shard
	 * @param why what happened to the message, for the log
	 * @return {@code true} when the shard was paused
	 */
	public synchronized boolean release(int shard, String why) {
		Pause pause = this.paused.remove(shard);
		if (pause == null) {
			return false;
		}
		logger.info("Node {}: shard {} goes on behind the message with schema hash {} ({}), paused since {}; the "
				+ "schemas still differ", this.nodeId, shard, SchemaHasher.shortHash(pause.remoteHash()), why,
				pause.since());
		return true;
	}

	/**
	 * Resumes every paused shard.
	 * @return how many shards were resumed
	 */
	public synchronized int resumeAll() {
		int resumed = 0;
		for (Integer shard : Set.copyOf(this.paused.keySet())) {
			if (resume(shard)) {
				resumed++;
			}
		}
		return resumed;
	}

	/**
	 * The paused shards with the hash that blocks each and since when.
	 * @return an immutable copy, ordered by shard
	 */
	public synchronized Map<Integer, Pause> pausedShards() {
		return Collections.unmodifiableMap(new TreeMap<>(this.paused));
	}

	/**
	 * Whether any shard is paused.
	 * @return {@code true} while at least one shard is paused
	 */
	public synchronized boolean isPaused() {
		return !this.paused.isEmpty();
	}

	/**
	 * How many times a shard was paused since the gate was created.
	 * @return the pause count
	 */
	public synchronized long pauseCount() {
		return this.pauses;
	}

	/**
	 * How many times a shard was resumed since the gate was created.
	 * @return the resume count
	 */
	public synchronized long resumeCount() {
		return this.resumes;
	}

	private void logMismatch(int shard, String remoteHash) {
		logger.warn("Node {}: schema mismatch detected on shard {} (local {}, remote {}); replication of this shard "
				+ "paused. Apply the same migration on this node; it resumes by itself. (When the schemas differ only in "
				+ "the tables replicated, give every node the same harmonylite.tables and harmonylite.ignore-tables.)", this.nodeId, shard,
				SchemaHasher.shortHash(this.hashes.current()), SchemaHasher.shortHash(remoteHash));
	}

	/**
	 * Whether a change may be applied.
	 *
	 * @since 0.1.0
	 */
	public enum Decision {

		/** The hash is the local current or previous one, or empty: apply the change. */
		APPLY,

		/** Any other hash: pause the shard, apply and skip nothing, redeliver later. */
		MISMATCH

	}

	/**
	 * Why and since when a shard is paused.
	 *
	 * @param remoteHash the hash carried by the change that could not be applied
	 * @param since when the mismatch was first detected
	 * @since 0.1.0
	 */
	public record Pause(String remoteHash, Instant since) {

		public Pause {
			Objects.requireNonNull(remoteHash, "remoteHash");
			Objects.requireNonNull(since, "since");
		}

	}

	private record Hashes(String current, @Nullable String previous) {

		Hashes {
			Objects.requireNonNull(current, "current");
		}

		boolean accepts(String hash) {
			return hash.isEmpty() || hash.equals(this.current) || hash.equals(this.previous);
		}

	}

}
