package io.harmonylite.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.harmonylite.HarmonyLiteVersion;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaHasher;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaVersion;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.TableSchema;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's schema hash current: a cheap {@code PRAGMA schema_version} check notices local DDL (from any
 * process), and then capture is regenerated, the hash recomputed and recorded, the gate updated, the registry told,
 * and paused shards redelivered at once. A full recompute also runs on a longer interval as a safety net.
 */
final class SchemaMonitor {

	private static final Logger logger = LoggerFactory.getLogger(SchemaMonitor.class);

	private final long nodeId;

	private final ChangeCapture capture;

	private final SchemaVersionStore versions;

	private final SchemaChangeDetector detector;

	private final Clock clock;

	private final int wireFormat;

	private final AtomicReference<State> state = new AtomicReference<>();

	private final ReentrantReadWriteLock layoutLock = new ReentrantReadWriteLock();

	private volatile @Nullable SchemaGate gate;

	private volatile @Nullable SchemaRegistry registry;

	private volatile Runnable onChange = () -> {
	};

	private volatile Instant lastFullRecompute;

	SchemaMonitor(long nodeId, ChangeCapture capture, SchemaVersionStore versions, SchemaChangeDetector detector,
			Clock clock, int wireFormat) {
		this.nodeId = nodeId;
		this.wireFormat = wireFormat;
		this.capture = capture;
		this.versions = versions;
		this.detector = detector;
		this.clock = clock;
		this.lastFullRecompute = clock.instant();
	}

	/**
	 * Installs capture and records the hash; called once at startup.
	 * @return the gate that checks replicated changes against this node's hashes
	 */
	synchronized SchemaGate initialize() {
		State initial = recompute();
		SchemaGate created = new SchemaGate(this.nodeId, initial.version.hash(), initial.version.previousHash());
		this.gate = created;
		this.detector.changed();
		created.hashedAt(this.detector.lastSeen());
		logger.info("Node {}: schema hash {} (previous {}) over {} table(s)", this.nodeId,
				SchemaHasher.shortHash(initial.version.hash()), shortOrNone(initial.version.previousHash()),
				initial.tables.size());
		return created;
	}

	/**
	 * The lock the publisher holds while it reads and stamps rows.
	 * @return the read side of the capture-layout lock
	 */
	Lock publisherLock() {
		return this.layoutLock.readLock();
	}

	void registry(SchemaRegistry schemaRegistry) {
		this.registry = schemaRegistry;
	}

	void onSchemaChange(Runnable action) {
		this.onChange = action;
	}

	/**
	 * Runs the cheap check, and the full recompute when the check saw DDL or the safety-net interval passed.
	 * @param fullInterval the safety-net interval
	 */
	synchronized void check(java.time.Duration fullInterval) {
		Instant now = this.clock.instant();
		boolean due = now.isAfter(this.lastFullRecompute.plus(fullInterval));
		if (!this.detector.changed() && !due) {
			return;
		}
		this.lastFullRecompute = now;
		String before = current().version.hash();
		State after;
		// Regenerated triggers and the new hash become visible to the publisher together.
		this.layoutLock.writeLock().lock();
		try {
			after = recompute();
			SchemaGate current = this.gate;
			if (current != null && !after.version.hash().equals(before)) {
				current.update(after.version.hash(), after.version.previousHash());
			}
		}
		finally {
			this.layoutLock.writeLock().unlock();
		}
		this.detector.changed();
		SchemaGate gate = this.gate;
		if (gate != null) {
			gate.hashedAt(this.detector.lastSeen());
		}
		if (!after.version.hash().equals(before)) {
			logger.info("Node {}: schema changed, hash {} -> {}; capture regenerated", this.nodeId,
					SchemaHasher.shortHash(before), SchemaHasher.shortHash(after.version.hash()));
			publish();
			this.onChange.run();
		}
	}

	/**
	 * Publishes this node's schema state to the registry (startup, changes and heartbeats).
	 */
	void publish() {
		SchemaRegistry target = this.registry;
		if (target == null) {
			return;
		}
		try {
			target.publish(nodeState());
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not publish the schema state to the registry, will retry: {}", this.nodeId,
					ex.getMessage());
		}
	}

	NodeSchemaState nodeState() {
		State current = current();
		return new NodeSchemaState(this.nodeId, current.version.hash(), current.version.previousHash(),
				HarmonyLiteVersion.current(), current.tables.stream().map(TableSchema::name).toList(),
				this.clock.instant(), this.wireFormat);
	}

	SchemaVersion version() {
		return current().version;
	}

	List<String> watchedTables() {
		return current().tables.stream().map(TableSchema::name).toList();
	}

	private State current() {
		State current = this.state.get();
		if (current == null) {
			throw new IllegalStateException("The schema monitor is not initialized");
		}
		return current;
	}

	private State recompute() {
		List<TableSchema> tables = this.capture.install();
		String hash = SchemaHasher.hash(tables);
		SchemaVersion version = this.versions.record(hash, HarmonyLiteVersion.current(), this.clock.instant());
		State next = new State(tables, version);
		this.state.set(next);
		return next;
	}

	private static String shortOrNone(@Nullable String hash) {
		return (hash != null) ? SchemaHasher.shortHash(hash) : "none";
	}

	private record State(List<TableSchema> tables, SchemaVersion version) {
	}

}
