package io.harmonylite.autoconfigure.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.SnapshotOperations;
import io.harmonylite.snapshot.RestoreOutcome;
import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotRefusedException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SnapshotsEndpoint} and its web extension: what it lists, what take and restore return, and the
 * HTTP status of each failure.
 */
class SnapshotsEndpointTests {

	private static final SnapshotMetadata SNAPSHOT = new SnapshotMetadata("20250101T100000000Z-n1-abcdef", 1,
			EngineStatuses.HASH, Map.of("harmonylite-changes-0", 40L), Map.of("harmonylite-changes-0", "x"),
			Instant.parse("2025-01-01T10:00:00Z"), 3000, 9000, "0".repeat(64), Map.of("Books", 100L), "v0.1.0");

	private final FakeOperations operations = new FakeOperations();

	private final SnapshotsEndpoint endpoint = new SnapshotsEndpoint(this.operations,
			() -> EngineStatuses.withSnapshots(EngineStatuses.running(), EngineStatuses.snapshots(SNAPSHOT.createdAt(),
					false), 1, 0));

	@Test
	void snapshotsShouldListTheStoreAndTheNodesSnapshotState() {
		SnapshotsEndpoint.SnapshotsDescriptor snapshots = this.endpoint.snapshots();

		assertThat(snapshots.nodeId()).isEqualTo(3);
		assertThat(snapshots.node().store()).isEqualTo("NATS object store bucket harmonylite-snapshots");
		assertThat(snapshots.node().lastTakeSeconds()).isEqualTo(1.5);
		assertThat(snapshots.snapshots()).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.id()).isEqualTo(SNAPSHOT.id());
			assertThat(snapshot.schemaHash()).isEqualTo("4efea1ee");
			assertThat(snapshot.positions()).containsEntry("harmonylite-changes-0", 40L);
			assertThat(snapshot.rows()).containsEntry("Books", 100L);
		});
	}

	@Test
	void restoreShouldPassTheIdOrNoneForNewest() {
		assertThat(this.endpoint.restore(SNAPSHOT.id()).restored()).isTrue();
		assertThat(this.endpoint.restore(SnapshotsEndpoint.NEWEST).positions()).containsEntry("harmonylite-changes-0",
				40L);

		assertThat(this.operations.restored).containsExactly(SNAPSHOT.id(), null);
	}

	@Test
	void webExtensionShouldAnswerEachFailureWithItsStatus() {
		SnapshotsEndpointWebExtension web = new SnapshotsEndpointWebExtension(this.endpoint);

		assertThat(web.take().getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(web.restore("unknown").getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(web.restore("refused").getStatus()).isEqualTo(SnapshotsEndpointWebExtension.STATUS_CONFLICT);
		assertThat(web.restore("refused").getBody()).asString().contains("schema hash");
		this.operations.failure = (ignored) -> new SnapshotRefusedException("Node 3 takes no snapshot now: stream x has a gap");
		assertThat(web.take().getStatus()).isEqualTo(SnapshotsEndpointWebExtension.STATUS_CONFLICT);
		assertThat(web.take().getBody()).isEqualTo(Map.of("error", "Node 3 takes no snapshot now: stream x has a gap"));
		this.operations.failure = (ignored) -> new SnapshotException("Could not list the snapshots: timeout");
		assertThat(web.snapshots().getStatus()).isEqualTo(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		this.operations.failure = (ignored) -> new HarmonyLiteException("Snapshots are disabled on node 3");
		assertThat(web.take().getStatus()).isEqualTo(SnapshotsEndpointWebExtension.STATUS_CONFLICT);
	}

	private static final class FakeOperations implements SnapshotOperations {

		private final List<@Nullable String> restored = new ArrayList<>();

		private @Nullable Function<String, RuntimeException> failure;

		@Override
		public List<SnapshotMetadata> list() {
			fail();
			return List.of(SNAPSHOT);
		}

		@Override
		public SnapshotMetadata take() {
			fail();
			return SNAPSHOT;
		}

		@Override
		public RestoreOutcome restore(@Nullable String id) {
			fail();
			if ("unknown".equals(id)) {
				throw new SnapshotNotFoundException(id, "test store");
			}
			if ("refused".equals(id)) {
				return new RestoreOutcome.Refused("Snapshot refused has schema hash aaaaaaaa, node 3 has 4efea1ee");
			}
			this.restored.add(id);
			return new RestoreOutcome.Restored(SNAPSHOT.id(), SNAPSHOT.positions(), SNAPSHOT.streamIdentities(),
					Duration.ofMillis(800));
		}

		private void fail() {
			if (this.failure != null) {
				throw this.failure.apply("");
			}
		}

	}

}
