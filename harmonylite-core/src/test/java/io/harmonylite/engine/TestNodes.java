package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.nats.JetStreamDeadLetterSink;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.StreamManager;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.snapshot.RestoreMode;
import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.testsupport.Directories;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * The nodes of one engine integration test on its class's nats-server: streams and a snapshot bucket no other test
 * uses, SQLite files in a temporary directory, and every node started closed after the test. Register it on an
 * instance field after the server's extension:
 * <pre>
 * &#64;RegisterExtension
 * final TestNodes nodes = new TestNodes(nats, "r");
 * </pre>
 */
final class TestNodes implements BeforeEachCallback, AfterEachCallback {

	/** Schema checks every 200 ms, redelivery after 1 s, a hash no node ever reported quarantined after 2 s. */
	static final SchemaConfig QUICK_SCHEMA = new SchemaConfig(Duration.ofMillis(200), Duration.ofMinutes(5),
			Duration.ofSeconds(1), Duration.ofSeconds(2));

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final NatsServerExtension nats;

	private final String tag;

	private final List<HarmonyLiteEngine> engines = new ArrayList<>();

	private @Nullable String streamPrefix;

	private @Nullable Path dir;

	/**
	 * Creates the fixture.
	 * @param nats the test class's server (or cluster) extension
	 * @param tag the start of this class's stream names, to tell them apart in the server's log
	 */
	TestNodes(NatsServerExtension nats, String tag) {
		this.nats = nats;
		this.tag = tag;
	}

	@Override
	public void beforeEach(ExtensionContext context) throws IOException {
		this.streamPrefix = this.tag + Integer.toHexString(context.getDisplayName().hashCode() & 0xfffffff) + "-"
				+ System.nanoTime() % 100_000;
		this.dir = Files.createTempDirectory("harmonylite-" + this.streamPrefix + "-");
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.engines.forEach(HarmonyLiteEngine::close);
		this.engines.clear();
		Directories.delete(dir());
	}

	/**
	 * The temporary directory of this test's files.
	 * @return the directory
	 */
	Path dir() {
		return require(this.dir);
	}

	/**
	 * Node {@code node}'s SQLite file, {@code node-<node>.db}, after running {@code sql} in one transaction.
	 * @param node the node
	 * @param sql the statements, e.g. DDL
	 * @return the database
	 */
	TestDatabase database(int node, String... sql) {
		TestDatabase db = new TestDatabase(dir().resolve("node-" + node + ".db"));
		db.execute(sql);
		return db;
	}

	/**
	 * The SQLite files of nodes 1 to {@code count}, each after running {@code sql}.
	 * @param count the number of nodes
	 * @param sql the statements, e.g. DDL
	 * @return the databases, by node from 1
	 */
	List<TestDatabase> databases(int count, String... sql) {
		List<TestDatabase> dbs = new ArrayList<>();
		for (int node = 1; node <= count; node++) {
			dbs.add(database(node, sql));
		}
		return dbs;
	}

	/**
	 * The replication settings every node gets: one shard and one replica on this test's streams.
	 * @return the settings
	 */
	ReplicationConfig replication() {
		return replication(1);
	}

	/**
	 * The replication settings of this test's streams with another number of shards.
	 * @param shards the number of shards
	 * @return the settings
	 */
	ReplicationConfig replication(int shards) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = require(this.streamPrefix);
		return new ReplicationConfig(shards, prefix, prefix + "-subject", 1, defaults.maxEntries(), false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
	}

	/**
	 * A node's configuration: polling every 20 ms, this test's streams, and this test's snapshot bucket, never
	 * restored from.
	 * @param nodeId the node
	 * @param db its database
	 * @param customizer changes to the configuration
	 * @return the configuration
	 */
	HarmonyLiteConfig config(int nodeId, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> customizer) {
		return customizer.apply(HarmonyLiteConfig.builder()
			.nodeId(nodeId)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(NatsConfig.external(this.nats.urls().toArray(String[]::new)))
			.replication(replication())
			.snapshot(SnapshotConfig.builder()
				.restore(RestoreMode.NEVER)
				.bucket(require(this.streamPrefix) + "-snapshots")
				.build()))
			.build();
	}

	/**
	 * A node's configuration as {@link #config(int, TestDatabase, UnaryOperator)} makes it, unchanged.
	 * @param nodeId the node
	 * @param db its database
	 * @return the configuration
	 */
	HarmonyLiteConfig config(int nodeId, TestDatabase db) {
		return config(nodeId, db, UnaryOperator.identity());
	}

	/**
	 * Starts a node with the {@link #config(int, TestDatabase, UnaryOperator) configuration} of this test.
	 * @param nodeId the node
	 * @param db its database
	 * @param customizer changes to the configuration
	 * @return the started node, closed after the test
	 */
	HarmonyLiteEngine start(int nodeId, TestDatabase db, UnaryOperator<HarmonyLiteConfig.Builder> customizer) {
		return start(HarmonyLiteEngine.builder(config(nodeId, db, customizer)));
	}

	/**
	 * Starts a node with this test's configuration, unchanged.
	 * @param nodeId the node
	 * @param db its database
	 * @return the started node, closed after the test
	 */
	HarmonyLiteEngine start(int nodeId, TestDatabase db) {
		return start(nodeId, db, UnaryOperator.identity());
	}

	/**
	 * Builds and starts a node, e.g. one with a listener.
	 * @param builder the node's builder
	 * @return the started node, closed after the test
	 */
	HarmonyLiteEngine start(HarmonyLiteEngine.Builder builder) {
		HarmonyLiteEngine engine = builder.build();
		engine.start();
		this.engines.add(engine);
		return engine;
	}

	/**
	 * The nodes started so far, in order.
	 * @return the nodes
	 */
	List<HarmonyLiteEngine> engines() {
		return Collections.unmodifiableList(this.engines);
	}

	/**
	 * Publishes a change straight to shard 0's stream, as a node of the current wire format would.
	 * @param connection a connection to the server
	 * @param event the change
	 * @throws Exception if the server does not acknowledge it
	 */
	void publish(Connection connection, ChangeEvent event) throws Exception {
		connection.jetStream().publish(replication().subject(0), new ChangeEventCodec(false).encode(event));
	}

	/**
	 * Fetches from the dead-letter stream, from its start.
	 * @param connection a connection to the server
	 * @param batch how many messages to fetch at the most
	 * @param wait how long to wait for them
	 * @return the dead letters fetched
	 * @throws Exception if the stream cannot be read
	 */
	List<Message> deadLetters(Connection connection, int batch, Duration wait) throws Exception {
		JetStreamSubscription subscription = connection.jetStream()
			.subscribe(StreamManager.deadLetterSubject(replication()), PullSubscribeOptions.builder().build());
		List<Message> letters = subscription.fetch(batch, wait);
		subscription.unsubscribe();
		return letters;
	}

	/**
	 * Reads the dead-letter stream once it holds {@code count} messages.
	 * @param connection a connection to the server
	 * @param count the number of dead letters to wait for
	 * @return the reason of each, by {@code <node>/<sequence>}
	 * @throws Exception if the stream cannot be read
	 */
	Map<String, String> deadLetterReasons(Connection connection, int count) throws Exception {
		String stream = StreamManager.deadLetterStream(replication());
		await().atMost(TIMEOUT)
			.until(() -> connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount() == count);
		// Read by sequence rather than through a consumer: nothing to create, nothing to time out on a loaded machine.
		JetStreamManagement management = connection.jetStreamManagement();
		long first = management.getStreamInfo(stream).getStreamState().getFirstSequence();
		Map<String, String> reasons = new TreeMap<>();
		for (long sequence = first; sequence < first + count; sequence++) {
			Headers headers = management.getMessage(stream, sequence).getHeaders();
			reasons.put(headers.getFirst(JetStreamDeadLetterSink.HEADER_NODE) + "/"
					+ headers.getFirst(JetStreamDeadLetterSink.HEADER_SEQUENCE),
					headers.getFirst(JetStreamDeadLetterSink.HEADER_REASON));
		}
		return reasons;
	}

	private static <T> T require(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("TestNodes works during a test only: register it with @RegisterExtension "
					+ "on an instance field");
		}
		return value;
	}

}
