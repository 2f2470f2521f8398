package io.harmonylite.conflict;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model checker in miniature: several nodes, each a SQLite file with real capture triggers, recorder and applier,
 * joined by a simulated network of shard streams instead of NATS. Random inserts, updates (of random columns, and
 * increments), deletes and key changes on a small key space, on random nodes; random publishing and delivery paces per
 * node and shard; re-sent messages (as after a failed publish) landing later in a stream. After quiescence every node
 * must hold the same rows, and every row must be what the model of the rule predicts from the published changes alone:
 * per column the highest (version, value), a row present exactly when its newest column version is above its newest
 * delete.
 * <p>
 * CI runs a fixed set of seeds; {@code -Dharmonylite.convergence.seeds=N} runs N more random seeds and
 * {@code -Dharmonylite.convergence.seed=S} replays one. The test name carries the seed.
 */
class ConvergenceTests {

	private static final int NODES = 3;

	private static final int SHARDS = 2;

	private static final int KEYS = 4;

	private static final int STEPS = 300;

	private static final List<String> COLUMNS = List.of("k", "a", "b", "n");

	private static final ChangeEventCodec CODEC = new ChangeEventCodec(false);

	@TempDir
	Path dir;

	static Stream<Long> seeds() {
		String one = System.getProperty("harmonylite.convergence.seed");
		if (one != null) {
			return Stream.of(Long.parseLong(one));
		}
		int more = Integer.getInteger("harmonylite.convergence.seeds", 0);
		return Stream.concat(LongStream.rangeClosed(1, 12).boxed(),
				new Random().longs(more).boxed());
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void everyNodeShouldEndWithWhatTheModelPredicts(long seed) throws Exception {
		Random random = new Random(seed);
		Network network = new Network();
		List<Node> nodes = new ArrayList<>();
		try {
			for (int id = 1; id <= NODES; id++) {
				nodes.add(new Node(id, this.dir.resolve("seed-" + seed + "-node-" + id + ".db")));
			}
			for (int step = 0; step < STEPS; step++) {
				Node node = nodes.get(random.nextInt(NODES));
				switch (random.nextInt(10)) {
					case 0, 1, 2, 3 -> node.write(random);
					case 4, 5 -> node.publish(network, random);
					default -> node.receive(network, random.nextInt(SHARDS), 1 + random.nextInt(6));
				}
			}
			quiesce(nodes, network);
			Map<Long, List<@Nullable Object>> expected = network.model();
			for (Node node : nodes) {
				assertThat(node.rows()).as("seed %d: node %d against the model", seed, node.id).isEqualTo(expected);
				assertThat(node.versions()).as("seed %d: version state of node %d against node 1", seed, node.id)
					.isEqualTo(nodes.get(0).versions());
			}
		}
		finally {
			for (Node node : nodes) {
				node.close();
			}
		}
	}

	private static void quiesce(List<Node> nodes, Network network) throws SQLException {
		boolean moved = true;
		while (moved) {
			moved = false;
			for (Node node : nodes) {
				moved |= node.publishAll(network);
			}
			for (Node node : nodes) {
				for (int shard = 0; shard < SHARDS; shard++) {
					moved |= node.receive(network, shard, Integer.MAX_VALUE);
				}
			}
		}
	}

	/** The shard streams: every node reads each in the same order, at its own pace. */
	private static final class Network {

		private final List<List<ChangeEvent>> streams = new ArrayList<>();

		private final Map<String, ChangeEvent> published = new LinkedHashMap<>();

		Network() {
			for (int shard = 0; shard < SHARDS; shard++) {
				this.streams.add(new ArrayList<>());
			}
		}

		void append(ChangeEvent event) {
			// Through the wire codec, as NATS would carry it.
			ChangeEvent received = CODEC.decode(CODEC.encode(event));
			this.streams.get(shardOf(received)).add(received);
			this.published.put(received.originNodeId() + "/" + received.changeId(), received);
		}

		List<ChangeEvent> stream(int shard) {
			return this.streams.get(shard);
		}

		static int shardOf(ChangeEvent event) {
			return (int) Math.floorMod((Long) event.row().get("k"), (long) SHARDS);
		}

		/** The rule, stated independently of the implementation, over every distinct published change. */
		Map<Long, List<@Nullable Object>> model() {
			Map<Long, Map<String, Cell>> cells = new TreeMap<>();
			Map<Long, Version> tombstones = new TreeMap<>();
			for (ChangeEvent event : this.published.values()) {
				long key = (Long) event.row().get("k");
				if (event.operation() == Operation.DELETE) {
					tombstones.merge(key, event.version(), Version::max);
					continue;
				}
				Map<String, Cell> row = cells.computeIfAbsent(key, (k) -> new LinkedHashMap<>());
				event.row().forEach((column, value) -> {
					Cell offered = new Cell(event.changed(column) ? event.version() : Version.ZERO, value);
					row.merge(column, offered, Cell::max);
				});
			}
			Map<Long, List<@Nullable Object>> rows = new TreeMap<>();
			cells.forEach((key, row) -> {
				Version newest = row.values().stream().map(Cell::version).reduce(Version.ZERO, Version::max);
				Version tombstone = tombstones.get(key);
				if (tombstone == null || newest.isAfter(tombstone)) {
					rows.put(key, COLUMNS.stream().map((column) -> row.get(column).value()).toList());
				}
			});
			return rows;
		}

	}

	private record Cell(Version version, @Nullable Object value) {

		static Cell max(Cell a, Cell b) {
			int byVersion = a.version.compareTo(b.version);
			if (byVersion != 0) {
				return (byVersion > 0) ? a : b;
			}
			return (ValueOrder.INSTANCE.compare(a.value, b.value) >= 0) ? a : b;
		}

	}

	/** One node: its file with capture, the application's connection, the publisher's side and the applier. */
	private static final class Node implements AutoCloseable {

		private final int id;

		private final Connection app;

		private final Connection publisherConnection;

		private final LocalChangeRecorder recorder;

		private final ChangeLogReader reader;

		private final ChangeApplier applier;

		private final long[] received = new long[SHARDS];

		private long publishedUpTo;

		Node(int id, Path file) throws SQLException {
			this.id = id;
			this.app = SqliteConnections.open(file);
			try (Statement statement = this.app.createStatement()) {
				statement.execute("CREATE TABLE kv (k INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER NOT NULL DEFAULT 0)");
			}
			new ChangeCapture(this.app, List.of(), List.of()).install();
			ConflictSettings settings = new ConflictSettings(id, Duration.ofSeconds(10));
			ConflictStats stats = new ConflictStats();
			this.publisherConnection = SqliteConnections.open(file);
			this.recorder = new LocalChangeRecorder(this.publisherConnection, settings, Clock.systemUTC(), stats);
			this.reader = new ChangeLogReader(this.publisherConnection, id);
			this.applier = new ChangeApplier(SqliteConnections.open(file), Clock.systemUTC(), settings, stats);
		}

		void write(Random random) throws SQLException {
			long key = 1 + random.nextInt(KEYS);
			String value = "n" + this.id + "-" + random.nextInt(1000);
			switch (random.nextInt(6)) {
				case 0 -> update("INSERT INTO kv (k, a, b) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", key, value,
						value);
				case 1 -> update("UPDATE kv SET a = ? WHERE k = ?", value, key);
				case 2 -> update("UPDATE kv SET b = ?, a = a WHERE k = ?", value, key);
				case 3 -> update("UPDATE kv SET n = n + 1 WHERE k = ?", key);
				case 4 -> update("DELETE FROM kv WHERE k = ?", key);
				default -> update("UPDATE OR IGNORE kv SET k = ? WHERE k = ?", 1 + random.nextInt(KEYS), key);
			}
		}

		/** Publishes some recorded changes; now and then one of them is sent again later, as after a failure. */
		void publish(Network network, Random random) {
			long recorded = this.recorder.recordPending();
			List<CapturedChange> changes = this.reader.readAfter(this.publishedUpTo, recorded, 1 + random.nextInt(5));
			for (CapturedChange change : changes) {
				network.append(change.event());
				this.publishedUpTo = change.id();
			}
			if (!changes.isEmpty() && random.nextInt(4) == 0) {
				network.append(changes.get(random.nextInt(changes.size())).event());
			}
			this.reader.markPublished(changes.stream().mapToLong(CapturedChange::id).toArray());
		}

		boolean publishAll(Network network) {
			long recorded = this.recorder.recordPending();
			List<CapturedChange> changes = this.reader.readAfter(this.publishedUpTo, recorded, 10_000);
			changes.forEach((change) -> network.append(change.event()));
			if (!changes.isEmpty()) {
				this.publishedUpTo = changes.get(changes.size() - 1).id();
				this.reader.markPublished(changes.stream().mapToLong(CapturedChange::id).toArray());
			}
			return !changes.isEmpty();
		}

		/** Applies up to {@code count} messages of a shard, in one batch. */
		boolean receive(Network network, int shard, int count) {
			List<ChangeEvent> stream = network.stream(shard);
			List<PositionedChange> batch = new ArrayList<>();
			long next = this.received[shard];
			while (next < stream.size() && batch.size() < count) {
				batch.add(new PositionedChange(stream.get((int) next), new StreamPosition("shard-" + shard, next + 1)));
				next++;
			}
			if (batch.isEmpty()) {
				return false;
			}
			this.applier.apply(batch);
			this.received[shard] = next;
			return true;
		}

		Map<Long, List<@Nullable Object>> rows() throws SQLException {
			Map<Long, List<@Nullable Object>> rows = new TreeMap<>();
			try (Statement statement = this.app.createStatement();
					ResultSet result = statement.executeQuery("SELECT k, a, b, n FROM kv")) {
				while (result.next()) {
					List<@Nullable Object> row = new ArrayList<>();
					for (int i = 1; i <= COLUMNS.size(); i++) {
						Object value = result.getObject(i);
						row.add((value instanceof Integer number) ? Long.valueOf(number) : value);
					}
					rows.put(result.getLong(1), row);
				}
			}
			return rows;
		}

		/** The version state, as comparable text: equal versions must be stored as equal bytes on every node. */
		List<String> versions() throws SQLException {
			List<String> rows = new ArrayList<>();
			try (Statement statement = this.app.createStatement();
					ResultSet result = statement.executeQuery("SELECT tbl, hex(pk), hex(vv), hex(ghost), tombstone FROM "
							+ "\"" + VersionStore.TABLE + "\" ORDER BY tbl, pk")) {
				while (result.next()) {
					rows.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3) + "|"
							+ result.getString(4) + "|" + result.getString(5));
				}
			}
			return rows;
		}

		private void update(String sql, Object... parameters) throws SQLException {
			try (PreparedStatement statement = this.app.prepareStatement(sql)) {
				for (int i = 0; i < parameters.length; i++) {
					statement.setObject(i + 1, parameters[i]);
				}
				statement.executeUpdate();
			}
		}

		@Override
		public void close() throws Exception {
			this.applier.close();
			this.recorder.close();
			this.publisherConnection.close();
			this.app.close();
		}

	}

}
