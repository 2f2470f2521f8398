package io.harmonylite.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.capture.ChangeCapture;
import io.harmonylite.schema.InMemorySchemaRegistry;
import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaChangeDetector;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaVersionStore;
import io.harmonylite.schema.UnreachableSchemaRegistry;
import io.harmonylite.sqlite.SqliteConnections;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SchemaMonitor} on a SQLite file and an in-memory registry.
 */
class SchemaMonitorTests {

	@TempDir
	Path dir;

	private TestDatabase database;

	private Connection connection;

	private Connection detectorConnection;

	private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

	private final AtomicInteger changes = new AtomicInteger();

	private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));

	@BeforeEach
	void open() {
		this.database = new TestDatabase(this.dir.resolve("node.db"));
		this.database.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		this.connection = SqliteConnections.open(this.database.path());
		this.detectorConnection = SqliteConnections.open(this.database.path());
	}

	@AfterEach
	void close() throws Exception {
		this.connection.close();
		this.detectorConnection.close();
	}

	@Test
	void baselineShouldInstallCaptureAndBuildTheGateOnTheRecordedHash() {
		SchemaMonitor.Baseline baseline = baseline();

		assertThat(baseline.tables()).extracting((table) -> table.name()).containsExactly("Books");
		assertThat(baseline.gate().currentHash()).isEqualTo(baseline.version().hash());
		assertThat(new ChangeCapture(this.connection, List.of(), List.of()).triggerCount()).isEqualTo(3);
		assertThat(new SchemaVersionStore(this.connection).load()).contains(baseline.version());
	}

	@Test
	void publishShouldTellTheRegistryThisNodesState() {
		SchemaMonitor monitor = monitor(baseline(), this.registry);

		monitor.publish();

		assertThat(this.registry.nodes()).singleElement().satisfies((state) -> {
			assertThat(state.nodeId()).isEqualTo(2);
			assertThat(state.schemaHash()).isEqualTo(monitor.version().hash());
			assertThat(state.watchedTables()).containsExactly("Books");
			assertThat(state.migrationVersion()).isEqualTo("flyway:7");
			assertThat(state.columns()).containsOnlyKeys("Books");
			assertThat(state.wireFormat()).isEqualTo(2);
		});
	}

	@Test
	void checkAfterLocalDdlShouldRegenerateCaptureUpdateTheGateTellTheRegistryAndRunTheChangeAction() {
		SchemaMonitor.Baseline baseline = baseline();
		SchemaMonitor monitor = monitor(baseline, this.registry);
		String before = baseline.version().hash();

		this.database.execute("ALTER TABLE Books ADD COLUMN author TEXT");
		monitor.check(Duration.ofHours(1));

		SchemaGate gate = baseline.gate();
		assertThat(monitor.version().hash()).isNotEqualTo(before);
		assertThat(monitor.version().previousHash()).isEqualTo(before);
		assertThat(gate.currentHash()).isEqualTo(monitor.version().hash());
		assertThat(gate.previousHash()).isEqualTo(before);
		assertThat(this.registry.nodes()).extracting(NodeSchemaState::schemaHash).containsExactly(gate.currentHash());
		assertThat(this.changes).hasValue(1);
	}

	@Test
	void checkThatFailedShouldBeTriedAgainAtTheNextCheckAlthoughNothingChangedSince() throws Exception {
		SchemaMonitor.Baseline baseline = baseline();
		SchemaMonitor monitor = monitor(baseline, this.registry);
		String before = baseline.version().hash();
		this.database.execute("ALTER TABLE Books ADD COLUMN author TEXT");
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("PRAGMA query_only = ON");
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> monitor.check(Duration.ofHours(1)));
			monitor.check(Duration.ofHours(1));
			this.clock.move(SchemaMonitor.FIRST_RETRY);
			assertThatExceptionOfType(RuntimeException.class).as("tried again after a pause")
				.isThrownBy(() -> monitor.check(Duration.ofHours(1)));
			this.clock.move(SchemaMonitor.FIRST_RETRY);
			monitor.check(Duration.ofHours(1));
			statement.execute("PRAGMA query_only = OFF");
		}
		assertThat(monitor.version().hash()).as("the pause doubled").isEqualTo(before);
		this.clock.move(SchemaMonitor.FIRST_RETRY);

		monitor.check(Duration.ofHours(1));

		assertThat(monitor.version().hash()).isNotEqualTo(before);
		assertThat(this.changes).hasValue(1);
	}

	@Test
	void checkWithoutDdlShouldChangeNothing() {
		SchemaMonitor monitor = monitor(baseline(), this.registry);

		monitor.check(Duration.ofHours(1));

		assertThat(this.registry.nodes()).isEmpty();
		assertThat(this.changes).hasValue(0);
	}

	@Test
	void checkShouldReinstallRemovedTriggersWithoutAHashChange() {
		SchemaMonitor monitor = monitor(baseline(), this.registry);
		ChangeCapture capture = new ChangeCapture(this.connection, List.of(), List.of());
		capture.removeTriggers();

		monitor.check(Duration.ofHours(1));

		assertThat(capture.triggerCount()).isEqualTo(3);
		assertThat(this.changes).hasValue(0);
	}

	@Test
	void tableThatCannotBeWatchedAnyMoreShouldBeLeftOutAndReportedWhileTheOthersAreRegenerated() {
		SchemaMonitor monitor = monitor(baseline(), this.registry);
		String before = monitor.version().hash();

		this.database.execute("CREATE TABLE scratch (x TEXT)", "ALTER TABLE Books ADD COLUMN author TEXT",
				"CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT)");
		monitor.check(Duration.ofHours(1));

		assertThat(monitor.watchedTables()).containsExactly("Books", "Notes");
		assertThat(capture().triggerCount()).isEqualTo(6);
		assertThat(monitor.version().hash()).isNotEqualTo(before);
		assertThat(monitor.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.TABLES_NOT_CAPTURED);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains("'scratch' has no primary key")
				.contains("harmonylite.ignore-tables");
			assertThat(problem.since()).isNotNull();
		});

		this.database.execute("DROP TABLE scratch");
		monitor.check(Duration.ofHours(1));

		assertThat(monitor.problems()).isEmpty();
	}

	@Test
	void configuredTableDroppedWhileRunningShouldBeReportedAndTheOthersStillWatched() {
		this.database.execute("CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT)");
		ChangeCapture configured = new ChangeCapture(this.connection, List.of("Books", "Notes"), List.of());
		SchemaMonitor.Baseline baseline = SchemaMonitor.baseline(2, configured,
				new SchemaVersionStore(this.connection), new SchemaChangeDetector(this.detectorConnection),
				Clock.systemUTC());
		SchemaMonitor monitor = new SchemaMonitor(2, configured, new SchemaVersionStore(this.connection),
				new SchemaChangeDetector(this.detectorConnection), Clock.systemUTC(), baseline, this.registry,
				() -> null, 2, this.changes::incrementAndGet);

		this.database.execute("DROP TABLE Notes", "ALTER TABLE Books ADD COLUMN author TEXT");
		monitor.check(Duration.ofHours(1));

		assertThat(monitor.watchedTables()).containsExactly("Books");
		assertThat(monitor.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.reason()).contains("'Notes' of harmonylite.tables"));
		assertThat(this.changes).hasValue(1);
	}

	@Test
	void registryThatCannotBeReachedShouldNotFailThePublish() {
		SchemaMonitor monitor = monitor(baseline(), new UnreachableSchemaRegistry());

		monitor.publish();

		assertThat(monitor.nodeState().nodeId()).isEqualTo(2);
	}

	private SchemaMonitor.Baseline baseline() {
		return SchemaMonitor.baseline(2, capture(), new SchemaVersionStore(this.connection),
				new SchemaChangeDetector(this.detectorConnection), Clock.systemUTC());
	}

	private SchemaMonitor monitor(SchemaMonitor.Baseline baseline, SchemaRegistry registry) {
		return new SchemaMonitor(2, capture(), new SchemaVersionStore(this.connection),
				new SchemaChangeDetector(this.detectorConnection), this.clock, baseline, registry,
				() -> "flyway:7", 2, this.changes::incrementAndGet);
	}

	private ChangeCapture capture() {
		return new ChangeCapture(this.connection, List.of(), List.of());
	}

}
