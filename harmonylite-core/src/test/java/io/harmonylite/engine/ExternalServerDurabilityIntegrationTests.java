package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.harmonylite.nats.NatsConfig;
import io.harmonylite.nats.StreamManager;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsTestCluster;
import io.harmonylite.testsupport.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With external NATS servers the node reports what it can check of their durability: the streams' replicas (and it
 * holds changes for a stream with too few), and the servers' sync setting when its user may read it; and a subject the
 * servers refuse its user.
 */
class ExternalServerDurabilityIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** An application account that may ask the system account for the servers' monitoring data. */
	private static final String ACCOUNTS = """
			accounts {
			  SYS { users [ { user: sys, password: sys } ], exports [ { service: "$SYS.REQ.SERVER.PING.VARZ" } ] }
			  APP {
			    jetstream: enabled
			    users [ { user: app, password: app } ]
			    imports [ { service: { account: SYS, subject: "$SYS.REQ.SERVER.PING.VARZ" } } ]
			  }
			}
			system_account: SYS
			""";

	@TempDir
	Path dir;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void streamWithFewerReplicasThanIntendedShouldHoldChangesUntilItHasThem() throws Exception {
		NatsTestCluster cluster = track(NatsTestCluster.start(3));
		// Created before, as by an older node: one replica. The node's default with three servers is three.
		ReplicationConfig oneReplica = ReplicationConfig.defaults().withReplicas(1);
		try (Connection nats = Nats.connect(cluster.urls().get(0))) {
			JetStreamManagement jsm = nats.jetStreamManagement();
			new StreamManager(jsm, oneReplica).ensureStreams();
			TestDatabase db = database();
			HarmonyLiteEngine engine = start(db, NatsConfig.external(cluster.urls().toArray(String[]::new)));
			db.execute("INSERT INTO items VALUES (1)");

			await().atMost(TIMEOUT).untilAsserted(() -> {
				EngineStatus.Nats status = engine.status().nats();
				assertThat(status.replicas()).isEqualTo(3);
				assertThat(status.durableAcks()).isFalse();
				assertThat(status.durabilityWarning()).contains("stream harmonylite-changes-0 has 1 replica(s), "
						+ "fewer than the intended 3");
			});
			assertThat(engine.status().pendingChanges()).as("held, not counted as published").isEqualTo(1);
			assertThat(jsm.getStreamInfo("harmonylite-changes-0").getStreamState().getMsgCount()).isZero();

			jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo("harmonylite-changes-0").getConfiguration())
				.replicas(3)
				.build());
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(engine.status().pendingChanges()).isZero();
				assertThat(engine.status().nats().durabilityWarning()).doesNotContain("replica");
			});
			assertThat(jsm.getStreamInfo("harmonylite-changes-0").getStreamState().getMsgCount()).isEqualTo(1);
		}
	}

	@Test
	void syncSettingShouldBeReportedWhenTheNodesUserMayReadTheServersMonitoring() {
		NatsTestServer server = track(NatsTestServer.start(ACCOUNTS, "sync_interval: always"));
		HarmonyLiteEngine engine = start(database(), withUser(NatsConfig.external(server.url()), "app", "app"));

		EngineStatus.Nats status = engine.status().nats();
		assertThat(status.embeddedServer()).isNull();
		assertThat(status.serverVersion()).startsWith("2.1");
		assertThat(status.sync()).isEqualTo("always");
		assertThat(status.replicas()).isEqualTo(1);
		assertThat(status.durableAcks()).isTrue();
	}

	@Test
	void syncSettingThatCannotBeReadShouldLeaveDurabilityUnknownAndSayWhatToSet() {
		NatsTestServer server = track(NatsTestServer.start());
		HarmonyLiteEngine engine = start(database(), NatsConfig.external(server.url()));

		EngineStatus.Nats status = engine.status().nats();
		assertThat(status.sync()).isNull();
		assertThat(status.durableAcks()).isNull();
		assertThat(status.durabilityWarning()).contains("sync_interval: always");
	}

	@Test
	void subjectTheServerRefusesTheNodesUserShouldBeReportedNamingIt() {
		// The user may do everything but publish the changes (a permission list that missed the change subjects).
		NatsTestServer server = track(NatsTestServer.start("""
				authorization {
				  users [ { user: app, password: app, permissions: {
				    publish: { deny: [ "harmonylite-change-log-0" ] }, subscribe: ">" } } ]
				}
				"""));
		TestDatabase db = database();
		HarmonyLiteEngine engine = start(db, withUser(NatsConfig.external(server.url()), "app", "app"));
		assertThat(engine.status().problems()).as("nothing refused yet").isEmpty();

		db.execute("INSERT INTO items VALUES (1)");

		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(engine.status().problems())
			.anySatisfy((problem) -> {
				assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.NATS_PERMISSION_DENIED);
				assertThat(problem.subject()).isEqualTo("subject harmonylite-change-log-0");
				assertThat(problem.reason()).contains("publish", "docs/nats.md");
			}));
		assertThat(engine.status().pendingChanges()).as("kept until the user may publish it").isOne();
	}

	private TestDatabase database() {
		TestDatabase db = new TestDatabase(this.dir.resolve("node-" + this.resources.size() + ".db"));
		db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
		return db;
	}

	private HarmonyLiteEngine start(TestDatabase db, NatsConfig nats) {
		HarmonyLiteEngine engine = HarmonyLiteEngine.builder(HarmonyLiteConfig.builder()
			.nodeId(1)
			.dbPath(db.path())
			.pollingInterval(Duration.ofMillis(20))
			.nats(nats)
			.build()).build();
		track(engine::close);
		engine.start();
		return engine;
	}

	private static NatsConfig withUser(NatsConfig nats, String user, String password) {
		return new NatsConfig(nats.urls(), user, password, null, null, null, null, null, nats.connectRetries(),
				nats.reconnectWait(), nats.embedded(), null, nats.startupTimeout());
	}

	private <T extends AutoCloseable> T track(T resource) {
		this.resources.add(resource);
		return resource;
	}

}
