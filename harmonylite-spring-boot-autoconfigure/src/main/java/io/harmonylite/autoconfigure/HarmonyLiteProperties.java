package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.snapshot.RestoreMode;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotStoreType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of HarmonyLite ({@code harmonylite.*}); validated by the engine at startup.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "harmonylite", ignoreUnknownFields = false)
public class HarmonyLiteProperties {

	/**
	 * Whether to enable HarmonyLite replication.
	 */
	private boolean enabled = true;

	/**
	 * Whether to start the engine with the application context. When false, the engine is created but started only
	 * by an explicit start of the context's lifecycle (or of the engine).
	 */
	private boolean autoStartup = true;

	/**
	 * Identifier of this node, a positive number unique in the cluster.
	 */
	private @Nullable Long nodeId;

	/**
	 * SQLite database file to replicate. When not set, the file of the application's SQLite DataSource is used.
	 */
	private @Nullable Path dbPath;

	/**
	 * Tables to replicate. When empty, every user table is replicated.
	 */
	private List<String> tables = new ArrayList<>();

	/**
	 * Tables never to replicate.
	 */
	private List<String> ignoreTables = new ArrayList<>();

	/**
	 * Whether to publish local changes to the cluster.
	 */
	private boolean publish = true;

	/**
	 * Whether to apply changes received from the cluster.
	 */
	private boolean replicate = true;

	/**
	 * Interval at which the database is polled for changes made by other processes.
	 */
	private Duration pollingInterval = Duration.ofMillis(50);

	/**
	 * Interval at which published change-log rows are deleted.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(1);

	/**
	 * Whether to remove HarmonyLite's triggers and tables from the database at startup while harmonylite.enabled is
	 * false, so that a disabled application does not keep capturing writes. Captured changes not yet sent are lost.
	 */
	private boolean uninstallWhenDisabled;

	private final Nats nats = new Nats();

	private final Replication replication = new Replication();

	private final Schema schema = new Schema();

	private final Events events = new Events();

	private final Snapshot snapshot = new Snapshot();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public @Nullable Long getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable Long nodeId) {
		this.nodeId = nodeId;
	}

	public @Nullable Path getDbPath() {
		return this.dbPath;
	}

	public void setDbPath(@Nullable Path dbPath) {
		this.dbPath = dbPath;
	}

	public List<String> getTables() {
		return this.tables;
	}

	public void setTables(List<String> tables) {
		this.tables = tables;
	}

	public List<String> getIgnoreTables() {
		return this.ignoreTables;
	}

	public void setIgnoreTables(List<String> ignoreTables) {
		this.ignoreTables = ignoreTables;
	}

	public boolean isPublish() {
		return this.publish;
	}

	public void setPublish(boolean publish) {
		this.publish = publish;
	}

	public boolean isReplicate() {
		return this.replicate;
	}

	public void setReplicate(boolean replicate) {
		this.replicate = replicate;
	}

	public Duration getPollingInterval() {
		return this.pollingInterval;
	}

	public void setPollingInterval(Duration pollingInterval) {
		this.pollingInterval = pollingInterval;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

	public boolean isUninstallWhenDisabled() {
		return this.uninstallWhenDisabled;
	}

	public void setUninstallWhenDisabled(boolean uninstallWhenDisabled) {
		this.uninstallWhenDisabled = uninstallWhenDisabled;
	}

	public Nats getNats() {
		return this.nats;
	}

	public Replication getReplication() {
		return this.replication;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Events getEvents() {
		return this.events;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	/**
	 * How the node reaches NATS.
	 */
	public static class Nats {

		/**
		 * URLs of external NATS servers, such as nats://localhost:4222. When empty, the node starts its own
		 * nats-server.
		 */
		private List<String> urls = new ArrayList<>();

		/**
		 * User name for user/password authentication.
		 */
		private @Nullable String user;

		/**
		 * Password for user/password authentication.
		 */
		private @Nullable String password;

		/**
		 * Token for token authentication.
		 */
		private @Nullable String token;

		/**
		 * File holding an NKey seed for NKey authentication.
		 */
		private @Nullable Path nkeySeedFile;

		/**
		 * Number of times the initial connection is retried before startup fails.
		 */
		private int connectRetries = 5;

		/**
		 * Time to wait between connection attempts.
		 */
		private Duration reconnectWait = Duration.ofSeconds(2);

		/**
		 * Time startup waits for JetStream to answer before it fails. A clustered JetStream needs a majority of its
		 * servers; the first node of an embedded cluster waits for a second one.
		 */
		private Duration startupTimeout = Duration.ofSeconds(60);

		private final Ssl ssl = new Ssl();

		private final Tls tls = new Tls();

		private final Embedded embedded = new Embedded();

		public List<String> getUrls() {
			return this.urls;
		}

		public void setUrls(List<String> urls) {
			this.urls = urls;
		}

		public @Nullable String getUser() {
			return this.user;
		}

		public void setUser(@Nullable String user) {
			this.user = user;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable Path getNkeySeedFile() {
			return this.nkeySeedFile;
		}

		public void setNkeySeedFile(@Nullable Path nkeySeedFile) {
			this.nkeySeedFile = nkeySeedFile;
		}

		public int getConnectRetries() {
			return this.connectRetries;
		}

		public void setConnectRetries(int connectRetries) {
			this.connectRetries = connectRetries;
		}

		public Duration getReconnectWait() {
			return this.reconnectWait;
		}

		public void setReconnectWait(Duration reconnectWait) {
			this.reconnectWait = reconnectWait;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		public Tls getTls() {
			return this.tls;
		}

		public Embedded getEmbedded() {
			return this.embedded;
		}

	}

	/**
	 * TLS for connections to NATS, from a Spring Boot SSL bundle.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) holding the CA certificates to trust and, for mutual TLS, the
		 * client certificate and key.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * TLS settings for connections to NATS, from PEM files; superseded by SSL bundles ({@link Ssl}).
	 */
	public static class Tls {

		/**
		 * CA certificate (PEM) that signed the servers' certificates.
		 */
		private @Nullable Path caFile;

		/**
		 * Client certificate (PEM) for mutual TLS.
		 */
		private @Nullable Path certFile;

		/**
		 * Client private key (PEM) for mutual TLS.
		 */
		private @Nullable Path keyFile;

		@DeprecatedConfigurationProperty(replacement = "harmonylite.nats.ssl.bundle", since = "0.1.0",
				reason = "Define the PEM files as an SSL bundle (spring.ssl.bundle.pem.<name>.*) and name it")
		@Deprecated(since = "0.1.0")
		public @Nullable Path getCaFile() {
			return this.caFile;
		}

		public void setCaFile(@Nullable Path caFile) {
			this.caFile = caFile;
		}

		@DeprecatedConfigurationProperty(replacement = "harmonylite.nats.ssl.bundle", since = "0.1.0",
				reason = "Define the PEM files as an SSL bundle (spring.ssl.bundle.pem.<name>.*) and name it")
		@Deprecated(since = "0.1.0")
		public @Nullable Path getCertFile() {
			return this.certFile;
		}

		public void setCertFile(@Nullable Path certFile) {
			this.certFile = certFile;
		}

		@DeprecatedConfigurationProperty(replacement = "harmonylite.nats.ssl.bundle", since = "0.1.0",
				reason = "Define the PEM files as an SSL bundle (spring.ssl.bundle.pem.<name>.*) and name it")
		@Deprecated(since = "0.1.0")
		public @Nullable Path getKeyFile() {
			return this.keyFile;
		}

		public void setKeyFile(@Nullable Path keyFile) {
			this.keyFile = keyFile;
		}

	}

	/**
	 * Settings of the nats-server process the node starts when no URLs are configured.
	 */
	public static class Embedded {

		/**
		 * The nats-server executable. When not set, it is looked up on the PATH.
		 */
		private @Nullable Path binary;

		/**
		 * JetStream store directory. When not set, a directory next to the database is used.
		 */
		private @Nullable Path storeDir;

		/**
		 * Client port of the embedded server.
		 */
		private int port = 4222;

		/**
		 * Cluster listen address (host:port). When not set, the server runs without a cluster.
		 */
		private @Nullable String clusterAddr;

		/**
		 * Route URLs of the other servers in the cluster, such as nats://node2:4221. When empty with a cluster
		 * address, this server is the first of the cluster and the others join it.
		 */
		private List<String> clusterPeers = new ArrayList<>();

		/**
		 * How often JetStream syncs its files to disk: 'always' syncs before every acknowledgement, so that an
		 * acknowledged change survives a power loss; an interval such as '2m' (nats-server's own default) is faster.
		 */
		private String sync = "always";

		/**
		 * Largest message the server accepts, up to 64MB; a row larger than this (with its message framing) cannot
		 * be replicated.
		 */
		private DataSize maxPayload = DataSize.ofMegabytes(8);

		/**
		 * HTTP monitoring port (/varz, /jsz) of the embedded server, on 127.0.0.1. 0 turns monitoring off.
		 */
		private int monitorPort = 0;

		public @Nullable Path getBinary() {
			return this.binary;
		}

		public void setBinary(@Nullable Path binary) {
			this.binary = binary;
		}

		public @Nullable Path getStoreDir() {
			return this.storeDir;
		}

		public void setStoreDir(@Nullable Path storeDir) {
			this.storeDir = storeDir;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable String getClusterAddr() {
			return this.clusterAddr;
		}

		public void setClusterAddr(@Nullable String clusterAddr) {
			this.clusterAddr = clusterAddr;
		}

		public List<String> getClusterPeers() {
			return this.clusterPeers;
		}

		public void setClusterPeers(List<String> clusterPeers) {
			this.clusterPeers = clusterPeers;
		}

		public String getSync() {
			return this.sync;
		}

		public void setSync(String sync) {
			this.sync = sync;
		}

		public DataSize getMaxPayload() {
			return this.maxPayload;
		}

		public void setMaxPayload(DataSize maxPayload) {
			this.maxPayload = maxPayload;
		}

		public int getMonitorPort() {
			return this.monitorPort;
		}

		public void setMonitorPort(int monitorPort) {
			this.monitorPort = monitorPort;
		}

	}

	/**
	 * How changes are distributed through JetStream.
	 */
	public static class Replication {

		/**
		 * Number of streams changes are spread over, by a hash of table and primary key.
		 */
		private int shards = 1;

		/**
		 * Prefix of the stream names; streams are named prefix-n.
		 */
		private String streamPrefix = "harmonylite-changes";

		/**
		 * Prefix of the subjects; subjects are named prefix-n.
		 */
		private String subjectPrefix = "harmonylite-change-log";

		/**
		 * Number of replicas of each stream and of the schema registry, 1 to 5. When not set, 3 if at least three
		 * NATS servers are configured (the embedded server and its cluster peers, or the URLs), 1 otherwise.
		 */
		private @Nullable Integer replicas;

		/**
		 * Maximum number of messages a stream keeps before discarding the oldest.
		 */
		private long maxEntries = 1_000_000;

		/**
		 * Maximum age of a message in a shard stream before it is discarded; 0 for no limit. A node that needs
		 * discarded messages restores a snapshot, so bound the streams only with snapshots enabled.
		 */
		private Duration maxAge = Duration.ZERO;

		/**
		 * Whether to update existing streams whose settings differ from the configured ones.
		 */
		private boolean updateExisting = false;

		/**
		 * Whether to compress change events with zstd.
		 */
		private boolean compress = false;

		/**
		 * Maximum number of published messages waiting for their acknowledgement.
		 */
		private int publishWindow = 1024;

		/**
		 * Maximum number of changes applied in one transaction.
		 */
		private int applyBatchSize = 1000;

		/**
		 * Maximum time a change's version may be ahead of a node's clock: versions of local changes are bounded to it,
		 * and received versions beyond it are applied but logged and counted.
		 */
		private Duration maxClockSkew = Duration.ofSeconds(10);

		/**
		 * How long the version of a deleted row is kept. A change older than that which arrives later may bring the
		 * row back.
		 */
		private Duration tombstoneRetention = Duration.ofDays(7);

		public int getShards() {
			return this.shards;
		}

		public void setShards(int shards) {
			this.shards = shards;
		}

		public String getStreamPrefix() {
			return this.streamPrefix;
		}

		public void setStreamPrefix(String streamPrefix) {
			this.streamPrefix = streamPrefix;
		}

		public String getSubjectPrefix() {
			return this.subjectPrefix;
		}

		public void setSubjectPrefix(String subjectPrefix) {
			this.subjectPrefix = subjectPrefix;
		}

		public @Nullable Integer getReplicas() {
			return this.replicas;
		}

		public void setReplicas(@Nullable Integer replicas) {
			this.replicas = replicas;
		}

		public long getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(long maxEntries) {
			this.maxEntries = maxEntries;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public boolean isUpdateExisting() {
			return this.updateExisting;
		}

		public void setUpdateExisting(boolean updateExisting) {
			this.updateExisting = updateExisting;
		}

		public boolean isCompress() {
			return this.compress;
		}

		public void setCompress(boolean compress) {
			this.compress = compress;
		}

		public int getPublishWindow() {
			return this.publishWindow;
		}

		public void setPublishWindow(int publishWindow) {
			this.publishWindow = publishWindow;
		}

		public int getApplyBatchSize() {
			return this.applyBatchSize;
		}

		public void setApplyBatchSize(int applyBatchSize) {
			this.applyBatchSize = applyBatchSize;
		}

		public Duration getMaxClockSkew() {
			return this.maxClockSkew;
		}

		public void setMaxClockSkew(Duration maxClockSkew) {
			this.maxClockSkew = maxClockSkew;
		}

		public Duration getTombstoneRetention() {
			return this.tombstoneRetention;
		}

		public void setTombstoneRetention(Duration tombstoneRetention) {
			this.tombstoneRetention = tombstoneRetention;
		}

	}

	/**
	 * Schema-versioning timings.
	 */
	public static class Schema {

		/**
		 * Interval of the cheap check for schema changes (PRAGMA schema_version).
		 */
		private Duration checkInterval = Duration.ofSeconds(1);

		/**
		 * Interval of the full schema hash recompute, a safety net for changes the cheap check misses.
		 */
		private Duration recomputeInterval = Duration.ofMinutes(5);

		/**
		 * Time a change whose schema does not match the local one waits before it is redelivered.
		 */
		private Duration nakDelay = Duration.ofSeconds(30);

		/**
		 * Time a shard waits on a change whose schema hash no node in the schema registry has ever reported before
		 * the change is quarantined to the dead-letter stream, so that the shard goes on. A hash that any node
		 * reports, or reported before, keeps the shard waiting (a rolling upgrade).
		 */
		private Duration unknownHashQuarantine = SchemaConfig.DEFAULT_UNKNOWN_HASH_QUARANTINE;

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getRecomputeInterval() {
			return this.recomputeInterval;
		}

		public void setRecomputeInterval(Duration recomputeInterval) {
			this.recomputeInterval = recomputeInterval;
		}

		public Duration getNakDelay() {
			return this.nakDelay;
		}

		public void setNakDelay(Duration nakDelay) {
			this.nakDelay = nakDelay;
		}

		public Duration getUnknownHashQuarantine() {
			return this.unknownHashQuarantine;
		}

		public void setUnknownHashQuarantine(Duration unknownHashQuarantine) {
			this.unknownHashQuarantine = unknownHashQuarantine;
		}

	}


	/**
	 * How changes from other nodes are told to the application as {@code ReplicatedChangeEvent}s.
	 */
	public static class Events {

		/**
		 * Whether to publish a ReplicatedChangeEvent for every change from another node once it is committed here.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of changes waiting for the application's listeners. When it is reached, the oldest waiting
		 * change is dropped and counted in the harmonylite.events.dropped meter; replication never waits.
		 */
		private int queueCapacity = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	/**
	 * Snapshots: taken by the node holding the snapshot lease, restored by new nodes and nodes with a stream gap.
	 */
	public static class Snapshot {

		/**
		 * Whether to take scheduled snapshots (on the node holding the snapshot lease) and restore them.
		 */
		private boolean enabled = true;

		/**
		 * Interval at which the node holding the snapshot lease takes a snapshot; 0 for never by time.
		 */
		private Duration interval = Duration.ofHours(1);

		/**
		 * Number of changes applied after which the node holding the snapshot lease also takes a snapshot; 0 for
		 * never by count.
		 */
		private long afterChanges = 0;

		/**
		 * Number of snapshots the store keeps; older ones are deleted.
		 */
		private int keep = 3;

		/**
		 * When a node restores a snapshot by itself: auto (a new node, and a node with a stream gap), if-empty (a new
		 * node only) or never (a node with a gap waits for an operator).
		 */
		private RestoreMode restore = RestoreMode.AUTO;

		/**
		 * Where snapshots are kept: nats (a JetStream object store bucket), s3 (needs harmonylite-snapshot-s3 on the
		 * classpath) or directory.
		 */
		private SnapshotStoreType store = SnapshotStoreType.NATS;

		/**
		 * NATS object store bucket of the snapshots, for store=nats; one per cluster.
		 */
		private String bucket = SnapshotConfig.DEFAULT_BUCKET;

		/**
		 * Directory of the snapshots, for store=directory, e.g. a volume every node mounts.
		 */
		private @Nullable Path directory;

		/**
		 * Directory where snapshots are copied, compressed and unpacked, with room for twice the database. When not
		 * set, the database path + "-snapshots".
		 */
		private @Nullable Path workDirectory;

		/**
		 * Time the snapshot lease outlives its holder's last renewal, after which another node takes the snapshots.
		 */
		private Duration leaseTtl = Duration.ofSeconds(30);

		/**
		 * Age of the newest snapshot after which the health check reports DEGRADED. When not set, twice the interval.
		 */
		private @Nullable Duration staleAfter;

		private final S3 s3 = new S3();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public long getAfterChanges() {
			return this.afterChanges;
		}

		public void setAfterChanges(long afterChanges) {
			this.afterChanges = afterChanges;
		}

		public int getKeep() {
			return this.keep;
		}

		public void setKeep(int keep) {
			this.keep = keep;
		}

		public RestoreMode getRestore() {
			return this.restore;
		}

		public void setRestore(RestoreMode restore) {
			this.restore = restore;
		}

		public SnapshotStoreType getStore() {
			return this.store;
		}

		public void setStore(SnapshotStoreType store) {
			this.store = store;
		}

		public String getBucket() {
			return this.bucket;
		}

		public void setBucket(String bucket) {
			this.bucket = bucket;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public @Nullable Path getWorkDirectory() {
			return this.workDirectory;
		}

		public void setWorkDirectory(@Nullable Path workDirectory) {
			this.workDirectory = workDirectory;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public @Nullable Duration getStaleAfter() {
			return this.staleAfter;
		}

		public void setStaleAfter(@Nullable Duration staleAfter) {
			this.staleAfter = staleAfter;
		}

		public S3 getS3() {
			return this.s3;
		}

	}

	/**
	 * An S3-compatible snapshot store.
	 */
	public static class S3 {

		/**
		 * Endpoint URL of an S3-compatible server (MinIO, Ceph, ...). When not set, AWS.
		 */
		private @Nullable String endpoint;

		/**
		 * Region of the bucket.
		 */
		private String region = "us-east-1";

		/**
		 * Bucket of the snapshots, which must exist.
		 */
		private @Nullable String bucket;

		/**
		 * Key prefix of every snapshot object, e.g. harmonylite/prod/.
		 */
		private String prefix = "";

		/**
		 * Whether to address the bucket in the path rather than the host name, as most S3-compatible servers need.
		 */
		private boolean pathStyle = false;

		/**
		 * Access key id. When not set, the AWS SDK's default credentials.
		 */
		private @Nullable String accessKeyId;

		/**
		 * Secret access key, set together with the access key id.
		 */
		private @Nullable String secretAccessKey;

		public @Nullable String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(@Nullable String endpoint) {
			this.endpoint = endpoint;
		}

		public String getRegion() {
			return this.region;
		}

		public void setRegion(String region) {
			this.region = region;
		}

		public @Nullable String getBucket() {
			return this.bucket;
		}

		public void setBucket(@Nullable String bucket) {
			this.bucket = bucket;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

		public boolean isPathStyle() {
			return this.pathStyle;
		}

		public void setPathStyle(boolean pathStyle) {
			this.pathStyle = pathStyle;
		}

		public @Nullable String getAccessKeyId() {
			return this.accessKeyId;
		}

		public void setAccessKeyId(@Nullable String accessKeyId) {
			this.accessKeyId = accessKeyId;
		}

		public @Nullable String getSecretAccessKey() {
			return this.secretAccessKey;
		}

		public void setSecretAccessKey(@Nullable String secretAccessKey) {
			this.secretAccessKey = secretAccessKey;
		}

	}

}
