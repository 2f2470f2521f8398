package io.harmonylite.autoconfigure.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.schema.ClusterSchemaView;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaHasher;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} exposing the node's replication state ({@code /actuator/harmonylite}), its schema state,
 * local and cluster-wide ({@code /actuator/harmonylite/schema}), one shard ({@code /actuator/harmonylite/shards/0}) and
 * its dead letters ({@code /actuator/harmonylite/dead-letters}, {@code /dead-letters/Books},
 * {@code /dead-letters/10-20}: the {@code list} operation, which only reads), and running the write operations an
 * operator needs, each a {@link HarmonyLiteOperation}: {@code POST /actuator/harmonylite/shards/0} with
 * {@code {"action": "pause"}}, for example.
 * <p>
 * Read-only unless allowed: the write operations are available only with
 * {@code management.endpoint.harmonylite.access=unrestricted} (or {@code management.endpoints.access.default}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "harmonylite", defaultAccess = Access.READ_ONLY)
public class HarmonyLiteEndpoint {

	/** The name of the schema section. */
	public static final String SCHEMA = "schema";

	private final Supplier<EngineStatus> status;

	private final Supplier<ClusterSchemaView> clusterSchema;

	private final Operations operations;

	/**
	 * Creates an endpoint reading the given engine, without write operations.
	 * @param engine the engine
	 */
	public HarmonyLiteEndpoint(HarmonyLiteEngine engine) {
		this(engine, List.of());
	}

	/**
	 * Creates an endpoint reading the given engine and running the given operations.
	 * @param engine the engine
	 * @param operations the write operations, each with its own target and action
	 * @throws IllegalStateException if two operations have the same target and action
	 */
	public HarmonyLiteEndpoint(HarmonyLiteEngine engine, List<? extends HarmonyLiteOperation> operations) {
		this(engine::status, engine::clusterSchema, operations);
	}

	HarmonyLiteEndpoint(Supplier<EngineStatus> status, Supplier<ClusterSchemaView> clusterSchema) {
		this(status, clusterSchema, List.of());
	}

	HarmonyLiteEndpoint(Supplier<EngineStatus> status, Supplier<ClusterSchemaView> clusterSchema,
			List<? extends HarmonyLiteOperation> operations) {
		this.status = status;
		this.clusterSchema = clusterSchema;
		this.operations = new Operations(operations);
	}

	/**
	 * Describes the node: state, NATS connection, shards, pending changes, switches and conflict counters.
	 * @return the node's description
	 */
	@ReadOperation
	public NodeDescriptor node() {
		return NodeDescriptor.of(this.status.get());
	}

	/**
	 * Describes one section of the node's state: {@value #SCHEMA} (a {@link SchemaDescriptor}), or
	 * {@value ReapplyDeadLettersOperation#DEAD_LETTERS} (the {@link OperationResult} of listing every dead letter).
	 * @param name the section name
	 * @return the section, or {@code null} (404) for an unknown section
	 */
	@ReadOperation
	public @Nullable Object section(@Selector String name) {
		if (ReapplyDeadLettersOperation.DEAD_LETTERS.equals(name)) {
			return deadLetters(null);
		}
		return SCHEMA.equals(name) ? schema() : null;
	}

	/**
	 * Describes the node's schema state, local and cluster-wide.
	 * @return the schema section
	 */
	public SchemaDescriptor schema() {
		EngineStatus current = this.status.get();
		return new SchemaDescriptor(LocalSchemaDescriptor.of(current), cluster());
	}

	/**
	 * Describes one item of a section: a shard ({@code shards/0}, a {@link ShardDescriptor}), or the dead letters of a
	 * table or range ({@code dead-letters/Books}, the {@link OperationResult} of listing them).
	 * @param name the section name
	 * @param id the item, such as a shard number
	 * @return the item, or {@code null} (404) when there is no such item
	 */
	@ReadOperation
	public @Nullable Object item(@Selector String name, @Selector String id) {
		if (ReapplyDeadLettersOperation.DEAD_LETTERS.equals(name)) {
			return deadLetters(id);
		}
		if (!ShardOperation.SHARDS.equals(name)) {
			return null;
		}
		return this.status.get()
			.shards()
			.stream()
			.filter((shard) -> Integer.toString(shard.shard()).equals(id))
			.findFirst()
			.map(ShardDescriptor::of)
			.orElse(null);
	}

	/**
	 * Why a read path shows nothing, naming what can be read instead, for the body of a {@code 404}.
	 * @param name the section name
	 * @param id the item, {@code null} for a section
	 * @return the explanation
	 */
	String nothingAt(String name, @Nullable String id) {
		EngineStatus current = this.status.get();
		if (ShardOperation.SHARDS.equals(name) && id != null) {
			List<Integer> shards = current.shards().stream().map(EngineStatus.Shard::shard).toList();
			return "Node " + current.nodeId() + " has no shard '" + id + "'"
					+ (shards.isEmpty() ? ": it consumes no shard now (stopped, or harmonylite.replicate=false)"
							: "; its shards are " + shards);
		}
		return "There is nothing at /actuator/harmonylite/" + name + ((id != null) ? "/" + id : "")
				+ "; read /actuator/harmonylite, /actuator/harmonylite/" + SCHEMA + ", /actuator/harmonylite/"
				+ ShardOperation.SHARDS + "/{shard} or /actuator/harmonylite/"
				+ ReapplyDeadLettersOperation.DEAD_LETTERS + "[/{table}]";
	}

	/**
	 * Runs an operation on a whole target, such as {@code capture}.
	 * @param name the target
	 * @param action the operation, such as {@code uninstall}
	 * @return what happened; its outcome says whether it ran
	 */
	@WriteOperation
	public OperationResult act(@Selector String name, String action) {
		return this.operations.run(name, null, action);
	}

	/**
	 * Runs an operation on one item of a target, such as shard 0.
	 * @param name the target, such as {@code shards}
	 * @param id the item, such as a shard number
	 * @param action the operation, such as {@code pause}
	 * @return what happened; its outcome says whether it ran
	 */
	@WriteOperation
	public OperationResult actOn(@Selector String name, @Selector String id, String action) {
		return this.operations.run(name, id, action);
	}

	/** Lists dead letters with the endpoint's listing operation: it only reads, so read-only access allows it. */
	private OperationResult deadLetters(@Nullable String selection) {
		return this.operations.run(ReapplyDeadLettersOperation.DEAD_LETTERS, selection,
				ReapplyDeadLettersOperation.Listing.ACTION);
	}

	private ClusterSchemaDescriptor cluster() {
		try {
			return ClusterSchemaDescriptor.of(this.clusterSchema.get());
		}
		catch (RuntimeException ex) {
			return ClusterSchemaDescriptor.unavailable(String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * The node's replication state.
	 *
	 * @param nodeId the node's id
	 * @param version the HarmonyLite version
	 * @param state the overall state, e.g. {@code RUNNING} or {@code PAUSED_SCHEMA_MISMATCH}
	 * @param schemaHash the current schema hash, {@code null} when stopped
	 * @param publish whether local changes are sent
	 * @param replicate whether the cluster's changes are applied
	 * @param nats the NATS connection
	 * @param shards the shard streams
	 * @param pendingChanges captured changes not yet acknowledged by JetStream
	 * @param failedChanges captured changes that can never be published
	 * @param watchedTables the tables whose changes are captured
	 * @param problems what is wrong with the node now, worst first
	 * @param conflicts the conflict rule's counters
	 * @since 0.1.0
	 */
	public record NodeDescriptor(long nodeId, String version, String state, @Nullable String schemaHash,
			boolean publish, boolean replicate, NatsDescriptor nats, List<ShardDescriptor> shards, long pendingChanges,
			long failedChanges, List<String> watchedTables, List<ProblemDescriptor> problems,
			ConflictsDescriptor conflicts) {

		static NodeDescriptor of(EngineStatus status) {
			EngineStatus.Nats nats = status.nats();
			EngineStatus.Schema schema = status.schema();
			return new NodeDescriptor(status.nodeId(), status.version(), status.state().name(),
					(schema != null) ? schema.hash() : null, status.publish(), status.replicate(),
					NatsDescriptor.of(nats),
					status.shards().stream().map(ShardDescriptor::of).toList(), status.pendingChanges(),
					status.failedChanges(), status.watchedTables(),
					status.problems().stream().map(ProblemDescriptor::of).toList(),
					ConflictsDescriptor.of(status.counters()));
		}

	}

	/**
	 * Something wrong with the node now.
	 *
	 * @param kind what kind of problem, e.g. {@code NATS_UNREACHABLE}
	 * @param severity {@code DEGRADED} or {@code DOWN}
	 * @param subject what it concerns: a shard, table, server or worker
	 * @param reason what is wrong and what to do
	 * @param since when it began, {@code null} when unknown
	 * @since 0.1.0
	 */
	public record ProblemDescriptor(String kind, String severity, String subject, String reason,
			@Nullable Instant since) {

		static ProblemDescriptor of(EngineStatus.Problem problem) {
			return new ProblemDescriptor(problem.kind().name(), problem.severity().name(), problem.subject(),
					problem.reason(), problem.since());
		}

	}

	/**
	 * The conflict rule's counters since the engine was created.
	 *
	 * @param superseded received changes that lost on every column to what the node had (older changes, the node's
	 * own coming back), so nothing was written
	 * @param aheadOfClock received changes whose version was more than {@code max-clock-skew} ahead of this node's
	 * clock (applied; a machine's clock is wrong)
	 * @param clampedLocalVersions local changes whose version was bounded to this node's clock plus
	 * {@code max-clock-skew}
	 * @since 0.1.0
	 */
	public record ConflictsDescriptor(long superseded, long aheadOfClock, long clampedLocalVersions) {

		static ConflictsDescriptor of(EngineStatus.Counters counters) {
			return new ConflictsDescriptor(counters.superseded(), counters.aheadOfClock(),
					counters.clampedLocalVersions());
		}

	}

	/**
	 * The node's NATS connection, and whether its acknowledgements survive a power loss.
	 *
	 * @param embedded whether the node runs its own nats-server
	 * @param servers the server URLs (the connected one when connected)
	 * @param connected whether the connection is up
	 * @param reconnects how many times it was re-established since the node started
	 * @param embeddedServer the embedded nats-server's state ({@code RUNNING}, {@code DOWN}, {@code STOPPED}),
	 * {@code null} with external servers
	 * @param serverVersion the connected server's version, {@code null} when unknown
	 * @param sync the server's JetStream sync setting, {@code null} when unknown
	 * @param replicas the replicas the streams are meant to have
	 * @param durableAcks whether acknowledged changes survive a power loss, {@code null} when unknown
	 * @param durabilityWarning why they do not (or are not known to), {@code null} when they do
	 * @since 0.1.0
	 */
	public record NatsDescriptor(boolean embedded, List<String> servers, boolean connected, long reconnects,
			@Nullable String embeddedServer, @Nullable String serverVersion, @Nullable String sync, int replicas,
			@Nullable Boolean durableAcks, @Nullable String durabilityWarning) {

		static NatsDescriptor of(EngineStatus.Nats nats) {
			return new NatsDescriptor(nats.embedded(), nats.servers(), nats.connected(), nats.reconnects(),
					nats.embeddedServer(), nats.serverVersion(), nats.sync(), nats.replicas(), nats.durableAcks(),
					nats.durabilityWarning());
		}

	}

	/**
	 * One shard stream as this node sees it.
	 *
	 * @param shard the shard number
	 * @param stream the stream name
	 * @param appliedSequence the last stream sequence applied (or dead-lettered) here
	 * @param streamLastSequence the stream's last sequence, {@code null} when unknown (e.g. disconnected)
	 * @param lag messages in the stream not yet applied here, {@code null} when unknown
	 * @param paused whether applying is paused, by a schema mismatch or by an operator
	 * @param pausedManually whether an operator paused it (until resumed)
	 * @param pausedReason why it is paused, {@code null} when not paused
	 * @param pausedSince since when, {@code null} when not paused
	 * @param gap messages the stream dropped before this node applied them, {@code null} when none
	 * @param deadLettered messages of this shard moved to the dead letter since the node started
	 * @param streamReadAt when the stream's state was last read (in the background, every second), {@code null} when
	 * never
	 * @since 0.1.0
	 */
	public record ShardDescriptor(int shard, String stream, long appliedSequence, @Nullable Long streamLastSequence,
			@Nullable Long lag, boolean paused, boolean pausedManually, @Nullable String pausedReason,
			@Nullable Instant pausedSince, @Nullable String gap, long deadLettered, @Nullable Instant streamReadAt) {

		static ShardDescriptor of(EngineStatus.Shard shard) {
			return new ShardDescriptor(shard.shard(), shard.stream(), shard.appliedSequence(),
					(shard.streamLastSequence() >= 0) ? shard.streamLastSequence() : null,
					(shard.lag() >= 0) ? shard.lag() : null, shard.paused() || shard.pausedManually(),
					shard.pausedManually(), pausedReason(shard),
					(shard.pausedSince() != null) ? shard.pausedSince() : shard.pausedManuallySince(), shard.gap(),
					shard.deadLettered(), shard.streamReadAt());
		}

		private static @Nullable String pausedReason(EngineStatus.Shard shard) {
			String manual = "paused by an operator; resume it with POST /actuator/harmonylite/shards/" + shard.shard()
					+ " and {\"action\": \"resume\"}";
			if (!shard.paused()) {
				return shard.pausedManually() ? manual : null;
			}
			String mismatch = "schema mismatch: a change carries schema hash "
					+ SchemaHasher.shortHash(Objects.requireNonNullElse(shard.pausedBy(), ""))
					+ ", which is neither this node's current nor its previous hash: when a node runs that schema (a "
					+ "rolling upgrade), apply the same migration here; a hash no node ever reported is quarantined after "
					+ "harmonylite.schema.unknown-hash-quarantine (the action show-blocked says which)";
			return shard.pausedManually() ? mismatch + "; also " + manual : mismatch;
		}

	}

	/**
	 * The {@value #SCHEMA} section: this node's schema state and the cluster's.
	 *
	 * @param local this node's schema state
	 * @param cluster the cluster's schema state from the registry
	 * @since 0.1.0
	 */
	public record SchemaDescriptor(LocalSchemaDescriptor local, ClusterSchemaDescriptor cluster) {

	}

	/**
	 * This node's schema state.
	 *
	 * @param nodeId the node's id
	 * @param version the HarmonyLite version
	 * @param hash the current schema hash, {@code null} when stopped
	 * @param previousHash the previous schema hash, {@code null} when there is none
	 * @param updatedAt when the hash last changed, {@code null} when stopped
	 * @param watchedTables the tables whose schema is hashed
	 * @param pausedShards the shards paused by a schema mismatch
	 * @param pauses how many times a shard was paused since the node started
	 * @param resumes how many times a paused shard resumed since the node started
	 * @since 0.1.0
	 */
	public record LocalSchemaDescriptor(long nodeId, String version, @Nullable String hash,
			@Nullable String previousHash, @Nullable Instant updatedAt, List<String> watchedTables,
			List<PausedShardDescriptor> pausedShards, long pauses, long resumes) {

		static LocalSchemaDescriptor of(EngineStatus status) {
			EngineStatus.Schema schema = status.schema();
			List<PausedShardDescriptor> paused = status.shards()
				.stream()
				.filter(EngineStatus.Shard::paused)
				.map((shard) -> new PausedShardDescriptor(shard.shard(), shard.stream(), shard.pausedBy(),
						shard.pausedSince()))
				.toList();
			return new LocalSchemaDescriptor(status.nodeId(), status.version(), (schema != null) ? schema.hash() : null,
					(schema != null) ? schema.previousHash() : null, (schema != null) ? schema.updatedAt() : null,
					status.watchedTables(), paused, (schema != null) ? schema.pauses() : 0,
					(schema != null) ? schema.resumes() : 0);
		}

	}

	/**
	 * A shard paused by a schema mismatch.
	 *
	 * @param shard the shard number
	 * @param stream the stream name
	 * @param changeHash the schema hash of the change that paused it
	 * @param since when it was paused
	 * @since 0.1.0
	 */
	public record PausedShardDescriptor(int shard, String stream, @Nullable String changeHash,
			@Nullable Instant since) {

	}

	/**
	 * The cluster's schema state, as the schema registry shows it.
	 *
	 * @param available whether the registry could be read
	 * @param reason why it could not, {@code null} when available
	 * @param nodeCount how many live nodes the registry lists
	 * @param consistent whether all live nodes share one current hash, {@code null} when unavailable
	 * @param commonHash the hash all nodes share, {@code null} when inconsistent, empty or unavailable
	 * @param hashGroups per hash, the nodes that have it as current and as previous hash
	 * @param nodes the live nodes' published states
	 * @since 0.1.0
	 */
	public record ClusterSchemaDescriptor(boolean available, @Nullable String reason, int nodeCount,
			@Nullable Boolean consistent, @Nullable String commonHash, List<HashGroupDescriptor> hashGroups,
			List<NodeSchemaDescriptor> nodes) {

		static ClusterSchemaDescriptor of(ClusterSchemaView view) {
			return new ClusterSchemaDescriptor(true, null, view.nodeCount(), view.consistent(),
					view.commonHash().orElse(null),
					view.groups().stream().map((group) -> HashGroupDescriptor.of(group, view)).toList(),
					view.nodes().stream().map(NodeSchemaDescriptor::of).toList());
		}

		static ClusterSchemaDescriptor unavailable(String reason) {
			return new ClusterSchemaDescriptor(false, reason, 0, null, null, List.of(), List.of());
		}

	}

	/**
	 * The nodes that have one schema hash as their current or previous hash and, when the cluster is inconsistent,
	 * how the schema behind it differs from the schema behind the most common hash.
	 *
	 * @param hash the schema hash
	 * @param currentOn the ids of the nodes whose current hash it is
	 * @param previousOn the ids of the nodes whose previous hash it is
	 * @param migrationVersions the migration versions the nodes whose current hash it is report, such as
	 * {@code flyway:3}
	 * @param comparedTo the most common hash, which {@code differences} compare to; {@code null} for that hash itself,
	 * when the cluster is consistent, or when a node does not publish its columns
	 * @param differences the tables whose columns differ from those behind {@code comparedTo}
	 * @since 0.1.0
	 */
	public record HashGroupDescriptor(String hash, List<Long> currentOn, List<Long> previousOn,
			List<String> migrationVersions, @Nullable String comparedTo, List<TableDifferenceDescriptor> differences) {

		static HashGroupDescriptor of(ClusterSchemaView.HashGroup group, ClusterSchemaView view) {
			List<String> versions = view.nodes()
				.stream()
				.filter((node) -> group.hash().equals(node.schemaHash()) && node.migrationVersion() != null)
				.map(NodeSchemaState::migrationVersion)
				.distinct()
				.toList();
			ClusterSchemaView.SchemaDifference difference = view.differences()
				.stream()
				.filter((candidate) -> candidate.hash().equals(group.hash()))
				.findFirst()
				.orElse(null);
			return new HashGroupDescriptor(group.hash(), group.currentOn(), group.previousOn(), versions,
					(difference != null) ? difference.comparedTo() : null,
					(difference != null) ? difference.tables().stream().map(TableDifferenceDescriptor::of).toList()
							: List.of());
		}

	}

	/**
	 * How one table differs between the schema behind a hash and the schema behind the most common hash.
	 *
	 * @param table the table
	 * @param columnsOnlyHere the columns ({@code name TYPE}) only the nodes of this hash have
	 * @param columnsOnlyThere the columns only the nodes of the most common hash have
	 * @since 0.1.0
	 */
	public record TableDifferenceDescriptor(String table, List<String> columnsOnlyHere, List<String> columnsOnlyThere) {

		static TableDifferenceDescriptor of(ClusterSchemaView.TableDifference difference) {
			return new TableDifferenceDescriptor(difference.table(), difference.columnsOnlyHere(),
					difference.columnsOnlyThere());
		}

	}

	/**
	 * One node's entry in the schema registry.
	 *
	 * @param nodeId the node's id
	 * @param schemaHash its current schema hash
	 * @param migrationVersion the application's migration its database is at, such as {@code flyway:3} or
	 * {@code liquibase:add-email}; {@code null} when unknown
	 * @param previousHash its previous schema hash
	 * @param version the HarmonyLite version it runs
	 * @param watchedTables the tables it replicates
	 * @param updatedAt when it last published its state
	 * @param wireFormat the newest change event format it reads (1 for a node of a release that does not say)
	 * @since 0.1.0
	 */
	public record NodeSchemaDescriptor(long nodeId, String schemaHash, @Nullable String migrationVersion,
			@Nullable String previousHash, String version, List<String> watchedTables, Instant updatedAt,
			int wireFormat) {

		static NodeSchemaDescriptor of(NodeSchemaState state) {
			return new NodeSchemaDescriptor(state.nodeId(), state.schemaHash(), state.migrationVersion(),
					state.previousHash(), state.harmonyLiteVersion(), state.watchedTables(), state.updatedAt(),
					state.wireFormat());
		}

	}

}
