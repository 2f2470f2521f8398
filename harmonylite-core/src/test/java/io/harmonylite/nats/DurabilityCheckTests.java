package io.harmonylite.nats;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DurabilityCheck} and {@link ServerSyncProbe#syncOf(byte[])}: when acknowledgements are durable, and why not.
 */
class DurabilityCheckTests {

	@Test
	void recentServerSyncingAlwaysWithStreamsAsIntendedShouldGiveDurableAcks() {
		DurabilityStatus status = new DurabilityCheck(() -> "2.10.27", "always", 3, List::of).status();
		assertThat(status).isEqualTo(new DurabilityStatus("2.10.27", "always", 3, true, null));
	}

	@Test
	void serverOlderThanTwoTenShouldNotGiveDurableAcksWhateverElse() {
		DurabilityStatus status = new DurabilityCheck(() -> "2.9.10", "2m", 1, List::of).status();
		assertThat(status.durableAcks()).isFalse();
		assertThat(status.warning()).contains("nats-server 2.9.10", "2.10 or newer", "power loss");
	}

	@Test
	void syncIntervalOrStreamWithTooFewReplicasShouldNotGiveDurableAcks() {
		assertThat(new DurabilityCheck(() -> "2.10.27", "2m", 1, List::of).status().warning())
			.contains("every 2m", "set sync to always");
		DurabilityStatus fewReplicas = new DurabilityCheck(() -> "2.10.27", "always", 3,
				() -> List.of("stream s-0 has 1 replica(s)")).status();
		assertThat(fewReplicas.durableAcks()).isFalse();
		assertThat(fewReplicas.warning()).isEqualTo("stream s-0 has 1 replica(s)");
	}

	@Test
	void syncThatCannotBeReadShouldLeaveDurabilityUnknownAndSayWhatToSet() {
		DurabilityStatus status = new DurabilityCheck(() -> "", null, 1, List::of).status();
		assertThat(status.serverVersion()).isNull();
		assertThat(status.durableAcks()).isNull();
		assertThat(status.warning()).contains("$SYS.REQ.SERVER.PING.VARZ", "sync_interval: always");
	}

	@Test
	void syncShouldBeReadFromAServersMonitoringAnswer() {
		assertThat(ServerSyncProbe.syncOf("""
				{"server":{"ver":"2.10.27"},"data":{"jetstream":{"config":{"sync_interval":120000000000,
				"sync_always":true}}}}""".getBytes())).isEqualTo("always");
		assertThat(ServerSyncProbe.syncOf("""
				{"data":{"jetstream":{"config":{"sync_interval":60000000000}}}}""".getBytes())).isEqualTo("1m");
		assertThat(ServerSyncProbe.syncOf("{\"jetstream\":{\"config\":{}}}".getBytes())).isEqualTo("2m");
		assertThat(ServerSyncProbe.syncOf("{\"data\":{}}".getBytes())).isNull();
		assertThat(ServerSyncProbe.syncOf("not json".getBytes())).isNull();
	}

}
