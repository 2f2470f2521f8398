package io.harmonylite.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.harmonylite.apply.MessageOrigin;
import io.harmonylite.apply.ReceivedMessage;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.replicate.MessageTooLargeException;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Messages at the server's size limit, which counts headers too, against a real {@code nats-server}: a change just
 * under the limit whose headers push it over is refused as too large (so the publisher can set it aside) instead of
 * failing in the client on every retry, and a rejected message too large for the dead letter is stored there without
 * its payload instead of blocking the apply loop. Also what else a message's headers carry to its receiver: the origin
 * its id names, and whether a consumer delivered since it started (which the stall watch reads).
 */
class PayloadLimitIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@Test
	void changeThatFitsOnlyWithoutItsHeadersShouldBeRefusedAsTooLarge() throws Exception {
		ReplicationConfig config = streams();
		Connection connection = nats.connection();
		JetStreamChangeSink sink = new JetStreamChangeSink(connection, connection.jetStream(), config);
		byte[] payload = new byte[(int) connection.getMaxPayload() - 10];
		assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> sink.publish(0, "1-1-1-1", payload));
		byte[] fitting = new byte[(int) connection.getMaxPayload() - 200];
		assertThat(((PublishAck) sink.publish(0, "1-1-2-2", fitting).get()).getSeqno()).isEqualTo(1);
	}

	@Test
	void deadLetterOfAMessageAtTheLimitShouldBeStoredWithoutItsPayload() throws Exception {
		ReplicationConfig config = streams();
		String subject = StreamManager.deadLetterSubject(config);
		Connection connection = nats.connection();
		JetStreamDeadLetterSink sink = new JetStreamDeadLetterSink(connection, connection.jetStream(), subject, 7);
		byte[] payload = new byte[(int) connection.getMaxPayload() - 10];
		sink.deadLetter(new ReceivedMessage(0, new StreamPosition(config.streamName(0), 3), payload), "too wide");
		JetStreamSubscription subscription = connection.jetStream().subscribe(subject);
		Message stored = subscription.nextMessage(Duration.ofSeconds(10));
		assertThat(stored).isNotNull();
		assertThat(stored.getData()).isEmpty();
		assertThat(stored.getHeaders().getFirst(JetStreamDeadLetterSink.HEADER_PAYLOAD_OMITTED))
			.isEqualTo(payload.length + " bytes");
		assertThat(stored.getHeaders().getFirst(JetStreamDeadLetterSink.HEADER_SEQUENCE)).isEqualTo("3");
		assertThat(stored.getHeaders().getFirst(JetStreamDeadLetterSink.HEADER_REASON)).isEqualTo("too wide");
	}

	@Test
	void receivedMessageShouldNameTheNodeEpochAndChangesItsIdCarriesAndWhenItWasStored() throws Exception {
		ReplicationConfig config = streams();
		Connection connection = nats.connection();
		Instant before = Instant.now().minusSeconds(1);
		JetStreamChangeSink sink = new JetStreamChangeSink(connection, connection.jetStream(), config);
		sink.publish(0, "3--77-5-9-r1", new byte[] { 1 }).get();
		ShardSubscriber subscriber = new ShardSubscriber(connection.jetStream(), connection.jetStreamManagement(),
				config, 0, 1);
		ReceivedMessage received = subscriber.read(1);
		assertThat(received).isNotNull();
		assertThat(received.origin()).isEqualTo(new MessageOrigin(3, -77, 5, 9));
		assertThat(received.storedAt()).isBetween(before, Instant.now().plusSeconds(1));
	}

	@Test
	void subscriberShouldTellWhetherItsConsumerDeliveredSinceItStarted() throws Exception {
		ReplicationConfig config = streams();
		Connection connection = nats.connection();
		JetStreamChangeSink sink = new JetStreamChangeSink(connection, connection.jetStream(), config);
		ShardSubscriber subscriber = new ShardSubscriber(connection.jetStream(), connection.jetStreamManagement(),
				config, 0, 1);
		List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
		try {
			subscriber.start(0, received::add);
			assertThat(subscriber.deliveredSinceStart()).as("nothing in the stream yet").isFalse();

			sink.publish(0, "2-1-1-1", new byte[] { 1 }).get();
			await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
			assertThat(subscriber.deliveredSinceStart()).isTrue();

			subscriber.start(1, received::add);
			assertThat(subscriber.deliveredSinceStart()).as("a new consumer, nothing after sequence 1").isFalse();
		}
		finally {
			subscriber.stop();
		}
	}

	private static ReplicationConfig streams() throws Exception {
		String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
		ReplicationConfig defaults = ReplicationConfig.defaults();
		ReplicationConfig config = new ReplicationConfig(1, prefix, prefix + "-subject", 1, 100, false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
		new StreamManager(nats.connection().jetStreamManagement(), config).ensureStreams();
		return config;
	}

}
