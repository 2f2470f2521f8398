package io.harmonylite.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

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
 * and the schema-change action run (paused shards are redelivered at once). A full recompute also runs on a longer
 * interval as a safety net. The node's schema at startup, its {@link Baseline}, is computed before NATS is reached.
 */
final class SchemaMonitor implements ProblemSource {

	private static final Logger logger = LoggerFactory.getLogger(SchemaMonitor.class);

	/** The wait before a recompute that failed is first tried again. */
	static final Duration FIRST_RETRY = Duration.ofSeconds(1);

	private final long nodeId;

	private final ChangeCapture capture;

	private final SchemaVersionStore versions;

	private final SchemaChangeDetector detector;

	private final Clock clock;

	private final SchemaGate gate;

	private final SchemaRegistry registry;

	private final Runnable onChange;

	private final AtomicReference<State> state;

	private final ReentrantReadWriteLock layoutLock = new ReentrantReadWriteLock();

	private final Supplier<@Nullable String> migrationVersion;

	private final int wireFormat;

	private volatile Instant lastFullRecompute;

	/** When a recompute that failed is tried again whatever changed; {@code null} when the last one succeeded. */
	private @Nullable Instant retryAt;

	/** The wait before the next retry, doubled with each failure up to the safety-net interval. */
	private Duration retryPause = FIRST_RETRY;

	/**
	 * Creates the monitor of a node whose baseline is computed.
	 * @param nodeId this node's id
	 * @param capture regenerates capture on a schema change
	 * @param versions records the hashes
	 * @param detector notices DDL
	 * @param clock the clock for the recorded times and the safety-net interval
	 * @param baseline the schema at startup, with the gate built on it
	 * @param registry where this node's schema state is published
	 * @param migrationVersion the application's migration version (e.g. {@code flyway:3}), published next to the hash
	 * @param wireFormat the newest change event format this node reads, published so that the others choose theirs
	 * @param onChange runs after the hash changed, e.g. to redeliver paused shards
	 */
	SchemaMonitor(long nodeId, ChangeCapture capture, SchemaVersionStore versions, SchemaChangeDetector detector,
			Clock clock, Baseline baseline, SchemaRegistry registry, Supplier<@Nullable String> migrationVersion,
			int wireFormat, Runnable onChange) {
		this.nodeId = nodeId;
		this.capture = capture;
		this.versions = versions;
		this.detector = detector;
		this.clock = clock;
		this.gate = baseline.gate();
		this.registry = registry;
		this.migrationVersion = migrationVersion;
		this.wireFormat = wireFormat;
		this.onChange = onChange;
		this.state = new AtomicReference<>(new State(baseline.tables(), baseline.version(), List.of(), null));
		this.lastFullRecompute = clock.instant();
	}

	/**
	 * Installs capture and records the hash: the node's schema when it starts, and the gate that checks replicated
	 * changes against it.
	 * @param nodeId this node's id
	 * @param capture installs capture
	 * @param versions records the hash
	 * @param detector notices later DDL; it starts from the schema version hashed here
	 * @param clock the clock for the recorded time
	 * @return the baseline
	 */
	static Baseline baseline(long nodeId, ChangeCapture capture, SchemaVersionStore versions,
			SchemaChangeDetector detector, Clock clock) {
		List<TableSchema> tables = capture.install();
		State initial = new State(tables, record(tables, versions, clock), List.of(), null);
		SchemaGate gate = new SchemaGate(nodeId, initial.version.hash(), initial.version.previousHash());
		detector.changed();
		gate.hashedAt(detector.lastSeen());
		logger.info("Node {}: schema hash {} (previous {}) over {} table(s)", nodeId,
				SchemaHasher.shortHash(initial.version.hash()), shortOrNone(initial.version.previousHash()),
				initial.tables.size());
		return new Baseline(initial.tables, initial.version, gate);
	}

	/**
	 * The lock the publisher holds while it reads and stamps rows.
	 * @return the read side of the capture-layout lock
	 */
	Lock publisherLock() {
		return this.layoutLock.readLock();
	}

	/**
	 * Runs the cheap check, and the full recompute when the check saw DDL or the safety-net interval passed.
	 * @param fullInterval the safety-net interval
	 */
	synchronized void check(Duration fullInterval) {
		Instant now = this.clock.instant();
		boolean due = now.isAfter(this.lastFullRecompute.plus(fullInterval));
		Instant retry = this.retryAt;
		boolean retryDue = retry != null && !now.isBefore(retry);
		if (!this.detector.changed() && !due && !retryDue) {
			return;
		}
		this.lastFullRecompute = now;
		// Until it succeeds it is tried again, less often the longer it fails (each try takes the write lock): the
		// change that failed has been seen already.
		Duration doubled = this.retryPause.multipliedBy(2);
		this.retryPause = (retry == null) ? FIRST_RETRY : (doubled.compareTo(fullInterval) < 0) ? doubled : fullInterval;
		this.retryAt = now.plus(this.retryPause);
		State previous = this.state.get();
		String before = previous.version.hash();
		State after;
		// Regenerated triggers and the new hash become visible to the publisher together.
		this.layoutLock.writeLock().lock();
		try {
			ChangeCapture.Installed installed = this.capture.reinstall();
			after = new State(installed.tables(), record(installed.tables(), this.versions, this.clock),
					installed.leftOut(), previous.leftOut.equals(installed.leftOut()) ? previous.leftOutSince : now);
			this.state.set(after);
			if (!after.version.hash().equals(before)) {
				this.gate.update(after.version.hash(), after.version.previousHash());
			}
		}
		finally {
			this.layoutLock.writeLock().unlock();
		}
		this.retryAt = null;
		this.detector.changed();
		this.gate.hashedAt(this.detector.lastSeen());
		if (!after.leftOut.equals(previous.leftOut) && !after.leftOut.isEmpty()) {
			logger.warn("Node {}: changes of some tables are not captured or replicated: {}", this.nodeId,
					String.join("; ", after.leftOut));
		}
		else if (!after.leftOut.equals(previous.leftOut)) {
			logger.info("Node {}: every watched table is captured again", this.nodeId);
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
		try {
			this.registry.publish(nodeState());
		}
		catch (RuntimeException ex) {
			logger.warn("Node {}: could not publish the schema state to the registry, will retry: {}", this.nodeId,
					ex.getMessage());
		}
	}

	NodeSchemaState nodeState() {
		State current = this.state.get();
		return new NodeSchemaState(this.nodeId, current.version.hash(), current.version.previousHash(),
				HarmonyLiteVersion.current(), current.tables.stream().map(TableSchema::name).toList(),
				this.clock.instant(), currentMigrationVersion(), NodeSchemaState.columnsOf(current.tables),
				this.wireFormat);
	}

	private @Nullable String currentMigrationVersion() {
		try {
			return this.migrationVersion.get();
		}
		catch (RuntimeException ex) {
			// Informative only: the hash decides; the state is published without it.
			logger.debug("Node {}: could not read the migration version: {}", this.nodeId, ex.getMessage());
			return null;
		}
	}

	SchemaVersion version() {
		return this.state.get().version;
	}

	List<String> watchedTables() {
		return this.state.get().tables.stream().map(TableSchema::name).toList();
	}

	/**
	 * The tables a schema change left out of capture, while any are: a {@code DEGRADED} problem, since every other
	 * table replicates.
	 */
	@Override
	public List<EngineStatus.Problem> problems() {
		State current = this.state.get();
		if (current.leftOut.isEmpty()) {
			return List.of();
		}
		return List.of(new EngineStatus.Problem(EngineStatus.ProblemKind.TABLES_NOT_CAPTURED,
				EngineStatus.Severity.DEGRADED, "capture", "changes of some tables are not captured or replicated "
						+ "since a schema change: " + String.join("; ", current.leftOut),
				current.leftOutSince));
	}

	private static SchemaVersion record(List<TableSchema> tables, SchemaVersionStore versions, Clock clock) {
		return versions.record(SchemaHasher.hash(tables), HarmonyLiteVersion.current(), clock.instant());
	}

	private static String shortOrNone(@Nullable String hash) {
		return (hash != null) ? SchemaHasher.shortHash(hash) : "none";
	}

	/**
	 * The node's schema when it starts.
	 *
	 * @param tables the watched tables
	 * @param version the recorded hash
	 * @param gate the gate built on that hash
	 */
	record Baseline(List<TableSchema> tables, SchemaVersion version, SchemaGate gate) {

		Baseline {
			tables = List.copyOf(tables);
		}

	}

	private record State(List<TableSchema> tables, SchemaVersion version, List<String> leftOut,
			@Nullable Instant leftOutSince) {
	}

}
