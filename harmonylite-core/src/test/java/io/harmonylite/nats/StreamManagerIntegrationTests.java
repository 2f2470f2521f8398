package io.harmonylite.nats;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.nats.StreamManager.StreamSetup;
import io.harmonylite.nats.StreamManager.StreamSetup.Outcome;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link StreamManager} against a real single {@code nats-server}; every test uses its own stream names.
 */
class StreamManagerIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	private static JetStreamManagement jsm;

	@BeforeAll
	static void start() throws Exception {
		jsm = nats.connection().jetStreamManagement();
	}

	@Test
	void ensureStreamsShouldCreateShardStreamsAndDeadLetterStreamWithConfiguredSettings() throws Exception {
		ReplicationConfig config = config(3, 10_000, false);
		List<StreamSetup> setups = new StreamManager(jsm, config).ensureStreams();
		assertThat(setups).extracting(StreamSetup::stream)
			.containsExactly(config.streamName(0), config.streamName(1), config.streamName(2),
					config.streamPrefix() + "-dlq");
		assertThat(setups).extracting(StreamSetup::outcome).containsOnly(Outcome.CREATED);
		for (int shard = 0; shard < 3; shard++) {
			StreamConfiguration stream = jsm.getStreamInfo(config.streamName(shard)).getConfiguration();
			assertThat(stream.getSubjects()).containsExactly(config.subject(shard));
			assertThat(stream.getStorageType()).isEqualTo(StorageType.File);
			assertThat(stream.getReplicas()).isEqualTo(1);
			assertThat(stream.getMaxMsgs()).isEqualTo(10_000);
			assertThat(stream.getDiscardPolicy()).isEqualTo(DiscardPolicy.Old);
			assertThat(stream.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
		}
		StreamConfiguration dlq = jsm.getStreamInfo(StreamManager.deadLetterStream(config)).getConfiguration();
		assertThat(dlq.getSubjects()).containsExactly(config.subjectPrefix() + "-dlq");
		assertThat(dlq.getStorageType()).isEqualTo(StorageType.File);
		assertThat(dlq.getMaxMsgs()).isEqualTo(10_000);
		assertThat(new StreamManager(jsm, config).deadLetterSubject()).isEqualTo(config.subjectPrefix() + "-dlq");
	}

	@Test
	void maxAgeShouldBoundTheShardStreamsButNotTheDeadLetterStreamAndBeUpdatedWhenAllowed() throws Exception {
		String prefix = prefix();
		ReplicationConfig config = config(prefix, 1, 10_000, true).withMaxAge(Duration.ofDays(7));
		new StreamManager(jsm, config).ensureStreams();
		assertThat(jsm.getStreamInfo(config.streamName(0)).getConfiguration().getMaxAge()).isEqualTo(Duration.ofDays(7));
		assertThat(jsm.getStreamInfo(StreamManager.deadLetterStream(config)).getConfiguration().getMaxAge())
			.isEqualTo(Duration.ZERO);

		List<StreamSetup> updated = new StreamManager(jsm, config.withMaxAge(Duration.ofHours(12))).ensureStreams();

		assertThat(updated.get(0).outcome()).isEqualTo(Outcome.UPDATED);
		assertThat(updated.get(0).differences()).containsExactly("max age PT168H -> PT12H");
		assertThat(jsm.getStreamInfo(config.streamName(0)).getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(12));
	}

	@Test
	void ensureStreamsTwiceShouldKeepStreamsAndTheirMessages() throws Exception {
		ReplicationConfig config = config(2, 10_000, false);
		new StreamManager(jsm, config).ensureStreams();
		nats.connection().jetStream().publish(config.subject(1), "kept".getBytes());
		List<StreamSetup> again = new StreamManager(jsm, config).ensureStreams();
		assertThat(again).extracting(StreamSetup::outcome).containsOnly(Outcome.UNCHANGED);
		assertThat(jsm.getStreamInfo(config.streamName(1)).getStreamState().getMsgCount()).isEqualTo(1);
	}

	@Test
	void ensureStreamsWithChangedSettingsShouldOnlyReportDifferencesWhenUpdateExistingIsOff() throws Exception {
		String prefix = prefix();
		new StreamManager(jsm, config(prefix, 1, 1000, false)).ensureStreams();
		ReplicationConfig changed = config(prefix, 1, 500, false);
		List<StreamSetup> setups = new StreamManager(jsm, changed).ensureStreams();
		assertThat(setups.get(0).outcome()).isEqualTo(Outcome.DIFFERENT);
		assertThat(setups.get(0).differences()).containsExactly("max messages 1000 -> 500");
		assertThat(jsm.getStreamInfo(changed.streamName(0)).getConfiguration().getMaxMsgs()).isEqualTo(1000);
	}

	@Test
	void ensureStreamsWithUpdateExistingShouldUpdateSettingsAndKeepMessages() throws Exception {
		String prefix = prefix();
		new StreamManager(jsm, config(prefix, 1, 1000, false)).ensureStreams();
		ReplicationConfig changed = config(prefix, 1, 500, true);
		nats.connection().jetStream().publish(changed.subject(0), "kept".getBytes());
		List<StreamSetup> setups = new StreamManager(jsm, changed).ensureStreams();
		assertThat(setups).extracting(StreamSetup::outcome).containsExactly(Outcome.UPDATED, Outcome.UPDATED);
		assertThat(setups.get(0).differences()).containsExactly("max messages 1000 -> 500");
		assertThat(jsm.getStreamInfo(changed.streamName(0)).getConfiguration().getMaxMsgs()).isEqualTo(500);
		assertThat(jsm.getStreamInfo(changed.streamName(0)).getStreamState().getMsgCount()).isEqualTo(1);
	}

	@Test
	void streamAtMaxEntriesShouldDiscardOldestMessages() throws Exception {
		ReplicationConfig config = config(1, 3, false);
		new StreamManager(jsm, config).ensureStreams();
		for (int i = 1; i <= 5; i++) {
			nats.connection().jetStream().publish(config.subject(0), ("m" + i).getBytes());
		}
		var state = jsm.getStreamInfo(config.streamName(0)).getStreamState();
		assertThat(state.getMsgCount()).isEqualTo(3);
		assertThat(state.getFirstSequence()).isEqualTo(3);
		assertThat(state.getLastSequence()).isEqualTo(5);
	}

	@Test
	void republishedMessageIdShouldBeDroppedAsDuplicate() throws Exception {
		ReplicationConfig config = config(1, 100, false);
		new StreamManager(jsm, config).ensureStreams();
		PublishOptions id = PublishOptions.builder().messageId("node-1-change-42").build();
		PublishAck first = nats.connection().jetStream().publish(config.subject(0), "a".getBytes(), id);
		PublishAck second = nats.connection().jetStream().publish(config.subject(0), "a".getBytes(), id);
		assertThat(first.isDuplicate()).isFalse();
		assertThat(second.isDuplicate()).isTrue();
		assertThat(jsm.getStreamInfo(config.streamName(0)).getStreamState().getMsgCount()).isEqualTo(1);
	}

	@Test
	void moreReplicasThanServersShouldFailNamingStreamAndFix() {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		String prefix = prefix();
		ReplicationConfig config = new ReplicationConfig(1, prefix, prefix + "-subject", 3, 100, false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> new StreamManager(jsm, config).ensureStreams())
			.withMessageContaining("Could not create stream " + config.streamName(0))
			.withMessageContaining("harmonylite.replication.replicas");
	}

	@Test
	void streamsWhoseSubjectsAnotherPrefixsStreamsTakeShouldFailNamingThoseStreamsAndBothPrefixes() throws Exception {
		ReplicationConfig ours = config(1, 10_000, false);
		ReplicationConfig defaults = ReplicationConfig.defaults();
		// A node that ran with another stream prefix but the same subject prefix.
		ReplicationConfig stray = new ReplicationConfig(1, prefix(), ours.subjectPrefix(), 1, 10_000, false, false,
				defaults.publishWindow(), defaults.applyBatchSize());
		new StreamManager(jsm, stray).ensureStreams();

		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> new StreamManager(jsm, ours).ensureStreams())
			.withMessageContaining("stream(s) " + stray.streamName(0) + " already take(s) these subjects")
			.withMessageContaining("harmonylite.replication.stream-prefix")
			.withMessageContaining("harmonylite.replication.subject-prefix")
			.withMessageContaining("nats stream rm " + stray.streamName(0));
	}

	private static ReplicationConfig config(int shards, long maxEntries, boolean updateExisting) {
		return config(prefix(), shards, maxEntries, updateExisting);
	}

	private static String prefix() {
		return "t" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static ReplicationConfig config(String prefix, int shards, long maxEntries, boolean updateExisting) {
		ReplicationConfig defaults = ReplicationConfig.defaults();
		return new ReplicationConfig(shards, prefix, prefix + "-subject", 1, maxEntries, updateExisting, false,
				defaults.publishWindow(), defaults.applyBatchSize());
	}

}
