package io.harmonylite.nats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NatsNode#storeFull}: a store is full when it lacks room for JetStream to run, scaled down on a small volume
 * so that freeing space there lets the server be restarted at all.
 */
class StoreRoomTests {

	private static final long MB = 1L << 20;

	@Test
	void storeOnALargeVolumeShouldBeFullBelowThirtyTwoMegabytes() {
		assertThat(NatsNode.storeFull(31 * MB, 100_000 * MB)).isTrue();
		assertThat(NatsNode.storeFull(33 * MB, 100_000 * MB)).isFalse();
	}

	@Test
	void storeOnASmallVolumeShouldBeFullBelowAQuarterOfIt() {
		assertThat(NatsNode.storeFull(19 * MB, 20 * MB)).as("freed: room to restart").isFalse();
		assertThat(NatsNode.storeFull(4 * MB, 20 * MB)).isTrue();
	}

}
