package io.harmonylite.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import io.harmonylite.replicate.ReplicationConfig;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the shard streams ({@code <stream-prefix>-<n>} with subject {@code <subject-prefix>-<n>}) and the dead-letter
 * stream ({@code <stream-prefix>-dlq} with subject {@code <subject-prefix>-dlq}) when missing, and reconciles the
 * settings of existing ones: updated when {@code harmonylite.replication.update-existing} is on, reported otherwise.
 * <p>
 * Every stream uses file storage, the configured replicas, {@code max-entries} messages with the oldest discarded,
 * and a {@link #DUPLICATE_WINDOW duplicate window} in which JetStream drops republished {@code Nats-Msg-Id}s. Shard
 * streams also discard messages older than {@code max-age} when it is set; the dead-letter stream keeps its messages
 * for an operator.
 *
 * @since 0.1.0
 */
public final class StreamManager {

	private static final Logger logger = LoggerFactory.getLogger(StreamManager.class);

	/** How long JetStream remembers message ids to drop duplicates republished after a crash. */
	public static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

	/** JetStream's error code for "stream not found". */
	private static final int STREAM_NOT_FOUND = 10059;

	/** JetStream's error code for "stream name already in use with a different configuration". */
	/** JetStream's answer to more than one replica on a server that is not clustered. */
	private static final int REPLICAS_NOT_CLUSTERED = 10074;

	private static final int STREAM_NAME_IN_USE = 10058;

	/** JetStream's error code for a stream whose subjects another stream already takes. */
	private static final int SUBJECTS_OVERLAP = 10065;

	private final JetStreamManagement management;

	private final ReplicationConfig config;

	private final JetStreamRetry retry;

	/**
	 * Creates a manager that retries for up to the default startup timeout.
	 * @param management the JetStream management context
	 * @param config the replication settings naming and sizing the streams
	 */
	public StreamManager(JetStreamManagement management, ReplicationConfig config) {
		this(management, config, new JetStreamRetry(NatsConfig.DEFAULT_STARTUP_TIMEOUT, JetStreamRetry.CHECK_CLUSTER));
	}

	/**
	 * Creates a manager.
	 * @param management the JetStream management context
	 * @param config the replication settings naming and sizing the streams
	 * @param retry how long JetStream calls are retried while JetStream is unavailable
	 */
	public StreamManager(JetStreamManagement management, ReplicationConfig config, JetStreamRetry retry) {
		this.management = management;
		this.config = config;
		this.retry = retry;
	}

	/**
	 * The dead-letter stream's name.
	 * @param config the replication settings
	 * @return {@code <stream-prefix>-dlq}
	 */
	public static String deadLetterStream(ReplicationConfig config) {
		return config.streamPrefix() + "-dlq";
	}

	/**
	 * The dead-letter subject.
	 * @param config the replication settings
	 * @return {@code <subject-prefix>-dlq}
	 */
	public static String deadLetterSubject(ReplicationConfig config) {
		return config.subjectPrefix() + "-dlq";
	}

	/**
	 * The dead-letter stream's name.
	 * @return {@code <stream-prefix>-dlq}
	 */
	public String deadLetterStream() {
		return deadLetterStream(this.config);
	}

	/**
	 * The dead-letter subject.
	 * @return {@code <subject-prefix>-dlq}
	 */
	public String deadLetterSubject() {
		return deadLetterSubject(this.config);
	}

	/**
	 * Creates or reconciles every shard stream and the dead-letter stream.
	 * @return what happened to each stream, shards first
	 * @throws HarmonyLiteException when JetStream refuses or does not answer
	 */
	public List<StreamSetup> ensureStreams() {
		List<StreamSetup> results = new ArrayList<>();
		for (int shard = 0; shard < this.config.shards(); shard++) {
			results.add(ensure(desired(this.config.streamName(shard), this.config.subject(shard))));
		}
		results.add(ensure(desired(deadLetterStream(), deadLetterSubject())));
		return results;
	}

	/**
	 * The settings a stream should have.
	 * @param name the stream name
	 * @param subject its only subject
	 * @return the desired configuration
	 */
	StreamConfiguration desired(String name, String subject) {
		return StreamConfiguration.builder()
			.name(name)
			.metadata(StreamIdentity.newMetadata())
			.subjects(subject)
			.storageType(StorageType.File)
			.replicas(this.config.replicas())
			.maxMessages(this.config.maxEntries())
			.maxAge(name.equals(deadLetterStream()) ? Duration.ZERO : this.config.maxAge())
			.discardPolicy(DiscardPolicy.Old)
			.duplicateWindow(DUPLICATE_WINDOW)
			.build();
	}

	private StreamSetup ensure(StreamConfiguration desired) {
		String name = desired.getName();
		StreamInfo existing = info(name);
		if (existing == null) {
			try {
				this.retry.call("create stream " + name, () -> this.management.addStream(desired));
				logger.info("Created stream {} (subject {}, file storage, replicas {}, max {} messages, max age {}, "
						+ "discard old)", name, desired.getSubjects(), desired.getReplicas(), desired.getMaxMsgs(),
						desired.getMaxAge().isZero() ? "none" : desired.getMaxAge());
				return new StreamSetup(name, StreamSetup.Outcome.CREATED, List.of());
			}
			catch (JetStreamApiException ex) {
				if (ex.getApiErrorCode() != STREAM_NAME_IN_USE) {
					throw failure("create", desired, ex);
				}
				// Another node created it first, with other settings: reconcile like an existing stream.
				existing = createdByAnotherNode(name, desired);
			}
			catch (IOException ex) {
				throw failure("create", desired, ex);
			}
			catch (JetStreamNotReadyException ex) {
				if (ex.getCause() instanceof JetStreamApiException api && isPlacementError(api)) {
					// Still too few servers when the deadline passed: more likely a configuration than a startup race.
					throw failure("create", desired, api);
				}
				throw ex;
			}
		}
		List<String> differences = differences(existing.getConfiguration(), desired);
		if (differences.isEmpty()) {
			logger.debug("Stream {} exists with the expected settings", name);
			return new StreamSetup(name, StreamSetup.Outcome.UNCHANGED, List.of());
		}
		if (!this.config.updateExisting()) {
			boolean fewerReplicas = existing.getConfiguration().getReplicas() < desired.getReplicas()
					&& !name.equals(deadLetterStream());
			logger.warn("Stream {} exists with settings that differ from the configuration: {}. It is used as it is{}. "
					+ "Set harmonylite.replication.update-existing=true to update it, or change the configuration "
					+ "to match.", name, String.join(", ", differences), fewerReplicas
							? ", but with fewer replicas than intended this node's changes to it are held (not counted "
									+ "as published) until it has " + desired.getReplicas()
							: "");
			return new StreamSetup(name, StreamSetup.Outcome.DIFFERENT, differences);
		}
		if (existing.getConfiguration().getStorageType() != desired.getStorageType()) {
			throw new HarmonyLiteException("Stream " + name + " uses " + existing.getConfiguration().getStorageType()
					+ " storage, but HarmonyLite needs " + desired.getStorageType() + " storage, and JetStream "
					+ "cannot change the storage of a stream. Delete the stream (it is recreated on start) or set "
					+ "harmonylite.replication.update-existing=false to keep using it as it is.");
		}
		StreamConfiguration updated = StreamConfiguration.builder(existing.getConfiguration())
			.subjects(desired.getSubjects())
			.replicas(desired.getReplicas())
			.maxMessages(desired.getMaxMsgs())
			.maxAge(desired.getMaxAge())
			.discardPolicy(desired.getDiscardPolicy())
			.duplicateWindow(desired.getDuplicateWindow())
			.build();
		try {
			this.retry.call("update stream " + name, () -> this.management.updateStream(updated));
		}
		catch (IOException | JetStreamApiException ex) {
			throw failure("update", desired, ex);
		}
		logger.info("Updated stream {} (harmonylite.replication.update-existing=true): {}", name,
				String.join(", ", differences));
		return new StreamSetup(name, StreamSetup.Outcome.UPDATED, differences);
	}

	/**
	 * Reads a stream that another node just created: in a cluster it may not be visible for a moment after the
	 * creation was accepted, so "not found" is retried like a transient failure.
	 */
	private StreamInfo createdByAnotherNode(String name, StreamConfiguration desired) {
		try {
			return this.retry.call("read stream " + name + " that another node created", () -> {
				try {
					return this.management.getStreamInfo(name);
				}
				catch (JetStreamApiException ex) {
					if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
						throw new IOException("stream " + name + " is not visible yet", ex);
					}
					throw ex;
				}
			});
		}
		catch (IOException | JetStreamApiException ex) {
			throw failure("read", desired, ex);
		}
	}

	private @Nullable StreamInfo info(String name) {
		try {
			return this.retry.call("read stream " + name, () -> this.management.getStreamInfo(name));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return null;
			}
			throw new HarmonyLiteException("Could not read stream " + name + ": " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new HarmonyLiteException("Could not read stream " + name + ": " + ex.getMessage() + ". Check that "
					+ "the NATS servers run with JetStream enabled and, in a cluster, that a majority of them is up.",
					ex);
		}
	}

	private static List<String> differences(StreamConfiguration actual, StreamConfiguration desired) {
		List<String> differences = new ArrayList<>();
		if (!new HashSet<>(actual.getSubjects()).equals(new HashSet<>(desired.getSubjects()))) {
			differences.add("subjects " + actual.getSubjects() + " -> " + desired.getSubjects());
		}
		compare(differences, "storage", actual.getStorageType(), desired.getStorageType());
		compare(differences, "replicas", actual.getReplicas(), desired.getReplicas());
		compare(differences, "max messages", actual.getMaxMsgs(), desired.getMaxMsgs());
		compare(differences, "max age", actual.getMaxAge(), desired.getMaxAge());
		compare(differences, "discard policy", actual.getDiscardPolicy(), desired.getDiscardPolicy());
		compare(differences, "duplicate window", actual.getDuplicateWindow(), desired.getDuplicateWindow());
		return differences;
	}

	private static void compare(List<String> differences, String setting, @Nullable Object actual,
			@Nullable Object desired) {
		if (!Objects.equals(actual, desired)) {
			differences.add(setting + " " + actual + " -> " + desired);
		}
	}

	private HarmonyLiteException failure(String action, StreamConfiguration desired, Exception ex) {
		if (ex instanceof JetStreamApiException api && api.getApiErrorCode() == REPLICAS_NOT_CLUSTERED) {
			return new ConfigException("harmonylite.replication.replicas", "is " + desired.getReplicas() + ", but the "
					+ "NATS server is not clustered and keeps one copy of each stream (Could not " + action + " stream "
					+ desired.getName() + ": " + api.getErrorDescription() + "): set it to 1, or run the node against "
					+ "a cluster of at least " + desired.getReplicas() + " servers", ex);
		}
		String fix;
		if (ex instanceof JetStreamApiException api && isPlacementError(api)) {
			fix = "A stream of " + desired.getReplicas() + " replicas is created only while that many servers "
					+ "take part in the cluster's JetStream (later a majority of them is enough): at a cluster's "
					+ "first start, start the other nodes (or servers) too. A server that runs but stays out of it "
					+ "(its /jsz shows a smaller meta_cluster, its log 'JetStream has not established contact with a "
					+ "meta leader'; nats-server 2.10 can leave one out after a simultaneous start) must be "
					+ "restarted. If the cluster has fewer servers, lower harmonylite.replication.replicas ("
					+ desired.getReplicas() + ") to at most their number, or add servers.";
		}
		else if (ex instanceof IOException) {
			fix = "Check that the NATS servers run with JetStream enabled (-js) and, in a cluster, that a majority "
					+ "of them is up.";
		}
		else if (ex instanceof JetStreamApiException api && api.getApiErrorCode() == SUBJECTS_OVERLAP) {
			fix = overlapFix(desired);
		}
		else {
			fix = "Check the stream's settings with 'nats stream info " + desired.getName() + "'.";
		}
		return new HarmonyLiteException("Could not " + action + " stream " + desired.getName() + " (subjects "
				+ desired.getSubjects() + ", replicas " + desired.getReplicas() + ", max messages "
				+ desired.getMaxMsgs() + "): " + ex.getMessage() + ". " + fix, ex);
	}

	/** Names the streams that already take the subjects, and why they may. */
	private String overlapFix(StreamConfiguration desired) {
		List<String> holders = new ArrayList<>();
		for (String subject : desired.getSubjects()) {
			try {
				holders.addAll(this.management.getStreamNames(subject));
			}
			catch (IOException | JetStreamApiException | RuntimeException ex) {
				// Named without them below.
			}
		}
		holders.remove(desired.getName());
		String who = holders.isEmpty() ? "another stream" : "stream(s) " + String.join(", ", holders);
		return who + " already take(s) these subjects: a node of this NATS runs (or ran) with another "
				+ "harmonylite.replication.stream-prefix but the same harmonylite.replication.subject-prefix. Clusters "
				+ "sharing a NATS need both prefixes distinct; a node of this cluster needs both the same as the others. "
				+ "Fix the node's settings, then delete the leftover stream (nats stream rm "
				+ (holders.isEmpty() ? "<stream>" : holders.get(0)) + ") if no cluster uses it";
	}

	private static boolean isPlacementError(JetStreamApiException ex) {
		String description = String.valueOf(ex.getErrorDescription()).toLowerCase(Locale.ROOT);
		return description.contains("insufficient") || description.contains("peers")
				|| description.contains("replicas");
	}

	/**
	 * What {@link #ensureStreams()} did to one stream.
	 *
	 * @param stream the stream name
	 * @param outcome what happened
	 * @param differences the settings that differed from the configuration, e.g. {@code replicas 1 -> 3}
	 * @since 0.1.0
	 */
	public record StreamSetup(String stream, Outcome outcome, List<String> differences) {

		public StreamSetup {
			differences = List.copyOf(differences);
		}

		/**
		 * What happened to a stream.
		 */
		public enum Outcome {

			/** The stream did not exist and was created. */
			CREATED,

			/** The stream existed with the expected settings. */
			UNCHANGED,

			/** The stream's settings differed and were updated. */
			UPDATED,

			/** The stream's settings differ and were left as they are (update-existing is off). */
			DIFFERENT

		}

	}

}
