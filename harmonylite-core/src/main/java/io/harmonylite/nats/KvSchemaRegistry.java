package io.harmonylite.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaRegistryException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistry} in a NATS JetStream key-value bucket: key {@code node-<id>}, a JSON value, and a bucket
 * TTL so that the entry of a node that stopped publishing (its heartbeat re-puts the key) expires.
 * <p>
 * Each node writes only its own key with a plain put: it is the key's only writer and its newest state always
 * supersedes the older one, so a revision check would add nothing but conflicts after restarts and expiries. A node
 * that stops gracefully deletes its key at once. The bucket is created on first use when missing, with as many
 * replicas as the streams; an existing bucket is used as it is. Calls that fail transiently are retried for
 * {@link #RETRY_DEADLINE}.
 * <p>
 * Every hash a node publishes (current and previous) is also recorded, once per hash, in a second bucket without
 * expiry, {@code <bucket>}{@value #HISTORY_SUFFIX} (key: the hash), so that {@link #reportedHashes()} still knows the
 * hash of a node that upgraded and left.
 *
 * @since 0.1.0
 */
public final class KvSchemaRegistry implements SchemaRegistry {

	/** The default bucket name. */
	public static final String BUCKET = "harmonylite-schema-registry";

	/** How long an entry lives after its last put unless configured otherwise. */
	public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

	/** Prefix of every key; the node id follows. */
	public static final String KEY_PREFIX = "node-";

	/** Suffix of the bucket that records every hash ever published; its entries never expire. */
	public static final String HISTORY_SUFFIX = "-history";

	/** Hashes are hex; any other text is recorded under this prefix, Base64url-encoded, to make a valid key. */
	private static final String ENCODED_PREFIX = "b64-";

	private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_=-]+");

	/** How long a call is retried while JetStream is unavailable, e.g. during a leader election. */
	public static final Duration RETRY_DEADLINE = Duration.ofSeconds(15);

	private static final int STREAM_NOT_FOUND = 10059;

	private static final Logger logger = LoggerFactory.getLogger(KvSchemaRegistry.class);

	private final Connection connection;

	private final String bucket;

	private final Duration ttl;

	private final int replicas;

	private final JetStreamRetry retry;

	// Opened on first use, so that constructing the registry does no I/O. Guarded by this.
	private @Nullable KeyValue keyValue;

	private @Nullable KeyValue history;

	// The hashes this instance recorded in the history bucket, so each is written once.
	private final Set<String> recorded = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a registry on the default bucket with the default TTL and one replica.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 */
	public KvSchemaRegistry(Connection connection) {
		this(connection, BUCKET, DEFAULT_TTL, 1);
	}

	/**
	 * Creates a registry on the default bucket with the default TTL.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 * @param replicas how many servers keep the bucket, the streams' replicas; used when the bucket is created
	 */
	public KvSchemaRegistry(Connection connection, int replicas) {
		this(connection, BUCKET, DEFAULT_TTL, replicas);
	}

	/**
	 * Creates a registry.
	 * @param connection an open NATS connection with JetStream enabled on the server
	 * @param bucket the bucket name
	 * @param ttl how long an entry lives after its last put; used when the bucket is created
	 * @param replicas how many servers keep the bucket; used when the bucket is created
	 */
	public KvSchemaRegistry(Connection connection, String bucket, Duration ttl, int replicas) {
		this.connection = Objects.requireNonNull(connection, "connection");
		this.bucket = Objects.requireNonNull(bucket, "bucket");
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("The schema registry TTL must be positive, was " + ttl);
		}
		if (replicas < 1 || replicas > 5) {
			throw new IllegalArgumentException("The schema registry replicas must be 1 to 5, was " + replicas);
		}
		this.ttl = ttl;
		this.replicas = replicas;
		this.retry = new JetStreamRetry(RETRY_DEADLINE, JetStreamRetry.CHECK_CLUSTER);
	}

	@Override
	public void publish(NodeSchemaState state) {
		String key = key(state.nodeId());
		KeyValue kv = keyValue();
		// jnats reports a closed connection as IllegalStateException: wrapped like the I/O errors.
		try {
			this.retry.call("publish key " + key + " of bucket " + this.bucket,
					() -> kv.put(key, toJson(state).getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException ex) {
			throw new SchemaRegistryException("Could not publish the schema state of node " + state.nodeId()
					+ " to key " + key + " of NATS KV bucket " + this.bucket + ": " + ex.getMessage()
					+ ". Check that NATS is reachable and has JetStream enabled.", ex);
		}
		record(state, state.schemaHash());
		if (state.previousHash() != null) {
			record(state, state.previousHash());
		}
	}

	private void record(NodeSchemaState state, String hash) {
		if (hash.isEmpty() || !this.recorded.add(hash)) {
			return;
		}
		String key = historyKey(hash);
		String historyBucket = this.bucket + HISTORY_SUFFIX;
		try {
			KeyValue kv = history();
			String value = "{\"node_id\":" + state.nodeId() + ",\"reported_at\":\"" + state.updatedAt() + "\"}";
			this.retry.call("record key " + key + " of bucket " + historyBucket,
					() -> kv.put(key, value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException
				| SchemaRegistryException ex) {
			this.recorded.remove(hash);
			throw new SchemaRegistryException("Could not record schema hash " + hash + " in NATS KV bucket "
					+ historyBucket + ": " + ex.getMessage() + ". Check that NATS is reachable and has JetStream "
					+ "enabled; it is recorded with the next heartbeat.", ex);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The keys of the history bucket, and the hashes of the live entries (in case a record failed).
	 */
	@Override
	public Set<String> reportedHashes() {
		Set<String> hashes = new TreeSet<>();
		for (NodeSchemaState node : nodes()) {
			hashes.add(node.schemaHash());
			if (node.previousHash() != null) {
				hashes.add(node.previousHash());
			}
		}
		String historyBucket = this.bucket + HISTORY_SUFFIX;
		try {
			KeyValue kv = history();
			for (String key : this.retry.call("list the keys of bucket " + historyBucket, kv::keys)) {
				hashes.add(hashOf(key));
			}
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException ex) {
			throw new SchemaRegistryException("Could not list the schema hashes in NATS KV bucket " + historyBucket
					+ ": " + ex.getMessage() + ". Check that NATS is reachable and has JetStream enabled.", ex);
		}
		hashes.remove("");
		return Collections.unmodifiableSet(hashes);
	}

	private static String historyKey(String hash) {
		return PLAIN_KEY.matcher(hash).matches() ? hash
				: ENCODED_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(hash.getBytes(StandardCharsets.UTF_8));
	}

	private static String hashOf(String key) {
		return key.startsWith(ENCODED_PREFIX)
				? new String(Base64.getUrlDecoder().decode(key.substring(ENCODED_PREFIX.length())), StandardCharsets.UTF_8)
				: key;
	}


	/**
	 * {@inheritDoc}
	 * <p>
	 * Skips deleted and purged keys, and logs a WARN for each entry that is not a readable {@code node-<id>} JSON
	 * value with a matching {@code node_id}.
	 */
	@Override
	public List<NodeSchemaState> nodes() {
		return nodes(this.retry);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Fails at once while this node's connection to NATS is not established (e.g. reconnecting), naming its state.
	 */
	@Override
	public List<NodeSchemaState> nodes(Duration deadline) {
		Connection.Status status = this.connection.getStatus();
		if (status != Connection.Status.CONNECTED) {
			throw new SchemaRegistryException("Could not list the nodes in NATS KV bucket " + this.bucket
					+ ": this node's NATS connection is " + status.name().toLowerCase(Locale.ROOT)
					+ ". Check that NATS is reachable.");
		}
		return nodes(this.retry.withDeadline(deadline));
	}

	private List<NodeSchemaState> nodes(JetStreamRetry retry) {
		KeyValue kv = keyValue();
		List<NodeSchemaState> states = new ArrayList<>();
		try {
			for (String key : retry.call("list the keys of bucket " + this.bucket, kv::keys)) {
				KeyValueEntry entry = retry.call("read key " + key + " of bucket " + this.bucket, () -> kv.get(key));
				if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
					logger.debug("Skipping key {} of schema registry bucket {}: deleted or expired", key, this.bucket);
					continue;
				}
				NodeSchemaState state = parse(key, entry.getValue());
				if (state != null) {
					states.add(state);
				}
			}
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException ex) {
			throw new SchemaRegistryException("Could not list the nodes in NATS KV bucket " + this.bucket + ": "
					+ ex.getMessage() + ". Check that NATS is reachable and has JetStream enabled.", ex);
		}
		states.sort(Comparator.comparingLong(NodeSchemaState::nodeId));
		return states;
	}

	/**
	 * Deletes a node's key, e.g. when the node stops gracefully, so that the cluster no longer lists it.
	 * @param nodeId the node id
	 * @param deadline how long to retry while JetStream is unavailable
	 * @throws SchemaRegistryException when the key cannot be deleted
	 */
	public void remove(long nodeId, Duration deadline) {
		String key = key(nodeId);
		KeyValue kv = keyValue();
		try {
			this.retry.withDeadline(deadline).call("delete key " + key + " of bucket " + this.bucket, () -> {
				kv.delete(key);
				return key;
			});
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException ex) {
			throw new SchemaRegistryException("Could not delete key " + key + " of NATS KV bucket " + this.bucket
					+ ": " + ex.getMessage() + "; it expires " + this.ttl + " after the node's last heartbeat.", ex);
		}
	}

	/**
	 * The key a node writes.
	 * @param nodeId the node id
	 * @return {@code node-<id>}
	 */
	public static String key(long nodeId) {
		return KEY_PREFIX + nodeId;
	}

	/**
	 * Encodes a state as the registry's JSON value.
	 * @param state the state
	 * @return the JSON object with {@code node_id}, {@code schema_hash}, {@code previous_hash} ({@code null} when
	 * absent), {@code harmonylite_version}, {@code watched_tables}, {@code updated_at} (ISO-8601, UTC), and, all
	 * optional for readers, {@code migration_version}, {@code columns} (table to column list) and {@code wire_format}
	 * (the newest change event format the node reads; absent means 1)
	 */
	public static String toJson(NodeSchemaState state) {
		Map<String, JsonValue> fields = new LinkedHashMap<>();
		fields.put("node_id", new JsonValue(state.nodeId()));
		fields.put("schema_hash", new JsonValue(state.schemaHash()));
		fields.put("previous_hash", (state.previousHash() != null) ? new JsonValue(state.previousHash()) : JsonValue.NULL);
		fields.put("harmonylite_version", new JsonValue(state.harmonyLiteVersion()));
		fields.put("watched_tables", new JsonValue(state.watchedTables().stream().map(JsonValue::new).toList()));
		fields.put("updated_at", new JsonValue(state.updatedAt().toString()));
		if (state.migrationVersion() != null) {
			fields.put("migration_version", new JsonValue(state.migrationVersion()));
		}
		if (!state.columns().isEmpty()) {
			Map<String, JsonValue> columns = new LinkedHashMap<>();
			state.columns().forEach((table, names) -> columns.put(table, new JsonValue(names.stream().map(JsonValue::new).toList())));
			fields.put("columns", new JsonValue(columns));
		}
		fields.put("wire_format", new JsonValue(state.wireFormat()));
		return new JsonValue(fields).toJson();
	}

	private @Nullable NodeSchemaState parse(String key, byte @Nullable [] value) {
		try {
			if (!key.startsWith(KEY_PREFIX)) {
				throw new IllegalArgumentException("the key is not node-<id>");
			}
			long keyNodeId = Long.parseLong(key.substring(KEY_PREFIX.length()));
			if (value == null) {
				throw new IllegalArgumentException("the value is empty");
			}
			JsonValue json = JsonParser.parse(value);
			if (json.map == null) {
				throw new IllegalArgumentException("the value is not a JSON object");
			}
			long nodeId = number(json, "node_id");
			if (nodeId != keyNodeId) {
				throw new IllegalArgumentException("node_id " + nodeId + " does not match the key");
			}
			String previous = optionalString(json, "previous_hash");
			int wireFormat = json.map.containsKey("wire_format") ? (int) number(json, "wire_format")
					: NodeSchemaState.UNVERSIONED_FORMAT;
			return new NodeSchemaState(nodeId, string(json, "schema_hash"),
					(previous == null || previous.isEmpty()) ? null : previous, string(json, "harmonylite_version"),
					strings(json, "watched_tables"), OffsetDateTime.parse(string(json, "updated_at")).toInstant(),
					optionalString(json, "migration_version"), columns(json), wireFormat);
		}
		catch (JsonParseException | IllegalArgumentException | DateTimeParseException ex) {
			logger.warn("Skipping key {} of schema registry bucket {}: unreadable entry ({})", key, this.bucket,
					ex.getMessage());
			return null;
		}
	}

	private static JsonValue field(JsonValue json, String name) {
		JsonValue value = json.map.get(name);
		if (value == null) {
			throw new IllegalArgumentException("field " + name + " is missing");
		}
		return value;
	}

	private static long number(JsonValue json, String name) {
		JsonValue value = field(json, name);
		if (value.type != JsonValue.Type.INTEGER && value.type != JsonValue.Type.LONG) {
			throw new IllegalArgumentException("field " + name + " is not an integer");
		}
		return value.number.longValue();
	}

	private static String string(JsonValue json, String name) {
		String value = optionalString(json, name);
		if (value == null) {
			throw new IllegalArgumentException("field " + name + " is missing");
		}
		return value;
	}

	private static @Nullable String optionalString(JsonValue json, String name) {
		JsonValue value = json.map.get(name);
		if (value == null || value.type == JsonValue.Type.NULL) {
			return null;
		}
		if (value.type != JsonValue.Type.STRING) {
			throw new IllegalArgumentException("field " + name + " is not a string");
		}
		return value.string;
	}

	private static List<String> strings(JsonValue json, String name) {
		JsonValue value = json.map.get(name);
		if (value == null || value.type == JsonValue.Type.NULL) {
			return List.of();
		}
		if (value.type != JsonValue.Type.ARRAY) {
			throw new IllegalArgumentException("field " + name + " is not an array");
		}
		List<String> strings = new ArrayList<>(value.array.size());
		for (JsonValue element : value.array) {
			if (element.type != JsonValue.Type.STRING) {
				throw new IllegalArgumentException("field " + name + " holds a value that is not a string");
			}
			strings.add(element.string);
		}
		return strings;
	}

	/** Absent in entries of nodes of earlier versions: empty then. */
	private static Map<String, List<String>> columns(JsonValue json) {
		JsonValue value = json.map.get("columns");
		if (value == null || value.type == JsonValue.Type.NULL) {
			return Map.of();
		}
		if (value.type != JsonValue.Type.MAP) {
			throw new IllegalArgumentException("field columns is not an object");
		}
		Map<String, List<String>> columns = new LinkedHashMap<>();
		for (String table : value.map.keySet()) {
			columns.put(table, strings(value, table));
		}
		return columns;
	}

	private synchronized KeyValue keyValue() {
		if (this.keyValue == null) {
			this.keyValue = open(KeyValueConfiguration.builder()
				.name(this.bucket)
				.description("HarmonyLite schema state per node (key node-<id>)")
				.ttl(this.ttl), this::checkSettings);
		}
		return this.keyValue;
	}

	private synchronized KeyValue history() {
		if (this.history == null) {
			this.history = open(KeyValueConfiguration.builder()
				.name(this.bucket + HISTORY_SUFFIX)
				.description("HarmonyLite: every schema hash a node ever published (key: the hash)"), (status) -> {
				});
		}
		return this.history;
	}

	private KeyValue open(KeyValueConfiguration.Builder configuration, Consumer<KeyValueStatus> existing) {
		KeyValueConfiguration built = configuration.maxHistoryPerKey(1)
			.replicas(this.replicas)
			.storageType(StorageType.File)
			.build();
		try {
			ensureBucket(this.connection.keyValueManagement(), built, existing);
			return this.connection.keyValue(built.getBucketName());
		}
		catch (IOException | JetStreamApiException | IllegalStateException | JetStreamNotReadyException ex) {
			throw new SchemaRegistryException("Could not open NATS KV bucket " + built.getBucketName() + ": "
					+ ex.getMessage() + ". Check that NATS is reachable and has JetStream enabled (nats-server -js).",
					ex);
		}
	}

	private void ensureBucket(KeyValueManagement management, KeyValueConfiguration configuration,
			Consumer<KeyValueStatus> existing) throws IOException, JetStreamApiException {
		String name = configuration.getBucketName();
		try {
			existing.accept(this.retry.call("read bucket " + name, () -> management.getStatus(name)));
			return;
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() != STREAM_NOT_FOUND) {
				throw ex;
			}
		}
		try {
			this.retry.call("create bucket " + name, () -> management.create(configuration));
			logger.info("Created schema registry bucket {} (replicas {}, entries {})", name, this.replicas,
					(configuration.getTtl() != null && !configuration.getTtl().isZero())
							? "expire " + configuration.getTtl() + " after their last update" : "never expire");
		}
		catch (JetStreamApiException ex) {
			// Another node may have created it at the same moment, possibly with other settings: use theirs.
			try {
				existing.accept(management.getStatus(name));
			}
			catch (JetStreamApiException notCreated) {
				ex.addSuppressed(notCreated);
				throw ex;
			}
		}
	}

	private void checkSettings(KeyValueStatus status) {
		if (!this.ttl.equals(status.getTtl())) {
			logger.warn("Schema registry bucket {} keeps entries for {}, not the configured {}; using the bucket as it "
					+ "is (delete the bucket to have it recreated)", this.bucket, status.getTtl(), this.ttl);
		}
		if (status.getReplicas() < this.replicas) {
			logger.warn("Schema registry bucket {} has {} replica(s), fewer than the streams' {}; using it as it is "
					+ "(raise them with 'nats kv edit {} --replicas {}', or delete the bucket to have it recreated)",
					this.bucket, status.getReplicas(), this.replicas, this.bucket, this.replicas);
		}
	}

}
