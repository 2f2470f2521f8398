package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.harmonylite.ConfigException;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.nats.embedded.EmbeddedNatsConfig;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.replicate.ReplicationConfig;
import io.harmonylite.schema.SchemaConfig;
import io.harmonylite.snapshot.S3StoreConfig;
import io.harmonylite.snapshot.SnapshotConfig;

import org.springframework.boot.ssl.SslBundle;

/**
 * Maps {@link HarmonyLiteProperties} to the engine's {@link HarmonyLiteConfig}, the only place that knows both. The
 * engine's config records validate the values and name the offending property.
 */
final class EngineConfigMapper {

	private EngineConfigMapper() {
	}

	/**
	 * Maps the properties to a validated configuration.
	 * @param properties the bound properties
	 * @param connectionDetails the NATS servers, credentials and TLS
	 * @param dbPath the database file, from {@code harmonylite.db-path} or the application's DataSource
	 * @param alwaysIgnored tables never replicated whatever the properties say, such as Flyway's history table
	 * @return the configuration
	 * @throws ConfigException if a value is missing or invalid
	 */
	static HarmonyLiteConfig map(HarmonyLiteProperties properties, NatsConnectionDetails connectionDetails,
			Path dbPath, List<String> alwaysIgnored) {
		Long nodeId = properties.getNodeId();
		if (nodeId == null) {
			throw new ConfigException("harmonylite.node-id",
					"is required: set it to a positive number unique in the cluster, such as harmonylite.node-id=1");
		}
		return HarmonyLiteConfig.builder()
			.nodeId(nodeId)
			.dbPath(dbPath)
			.tables(properties.getTables())
			.ignoreTables(ignoreTables(properties.getIgnoreTables(), alwaysIgnored))
			.publish(properties.isPublish())
			.replicate(properties.isReplicate())
			.pollingInterval(properties.getPollingInterval())
			.cleanupInterval(properties.getCleanupInterval())
			.nats(nats(properties.getNats(), connectionDetails))
			.replication(replication(properties.getReplication()))
			.schema(schema(properties.getSchema()))
			.snapshot(snapshot(properties.getSnapshot()))
			.build();
	}

	private static List<String> ignoreTables(List<String> configured, List<String> alwaysIgnored) {
		List<String> tables = new ArrayList<>(configured);
		for (String table : alwaysIgnored) {
			if (tables.stream().noneMatch(table::equalsIgnoreCase)) {
				tables.add(table);
			}
		}
		return tables;
	}

	private static NatsConfig nats(HarmonyLiteProperties.Nats nats, NatsConnectionDetails details) {
		NatsConfig config = new NatsConfig(details.getUrls(), details.getUsername(), details.getPassword(),
				details.getToken(), details.getNkeySeedFile(), null, null, null, nats.getConnectRetries(),
				nats.getReconnectWait(), embedded(nats.getEmbedded())).withStartupTimeout(nats.getStartupTimeout());
		SslBundle bundle = details.getSslBundle();
		return (bundle != null) ? config.withSslContext(sslContext(bundle)) : config;
	}

	private static SSLContext sslContext(SslBundle bundle) {
		try {
			return bundle.createSslContext();
		}
		catch (RuntimeException ex) {
			throw new ConfigException(PropertiesNatsConnectionDetails.BUNDLE_PROPERTY,
					"names an SSL bundle from which no TLS context can be made: " + ex.getMessage());
		}
	}

	private static EmbeddedNatsConfig embedded(HarmonyLiteProperties.Embedded embedded) {
		return new EmbeddedNatsConfig(embedded.getBinary(), embedded.getStoreDir(), embedded.getPort(),
				embedded.getClusterAddr(), withoutBlanks(embedded.getClusterPeers()), embedded.getSync(),
				embedded.getMaxPayload().toBytes(), embedded.getMonitorPort());
	}

	/** {@code --cluster-peers ""} binds one empty peer: it means none. */
	private static List<String> withoutBlanks(List<String> values) {
		return values.stream().filter((value) -> !value.isBlank()).toList();
	}

	private static ReplicationConfig replication(HarmonyLiteProperties.Replication replication) {
		Integer replicas = replication.getReplicas();
		return new ReplicationConfig(replication.getShards(), replication.getStreamPrefix(),
				replication.getSubjectPrefix(), (replicas != null) ? replicas : ReplicationConfig.AUTO_REPLICAS,
				replication.getMaxEntries(),
				replication.isUpdateExisting(), replication.isCompress(), replication.getPublishWindow(),
				replication.getApplyBatchSize(), replication.getMaxAge(), replication.getMaxClockSkew(),
				replication.getTombstoneRetention());
	}

	private static SnapshotConfig snapshot(HarmonyLiteProperties.Snapshot snapshot) {
		HarmonyLiteProperties.S3 s3 = snapshot.getS3();
		Duration staleAfter = snapshot.getStaleAfter();
		return new SnapshotConfig(snapshot.isEnabled(), snapshot.getInterval(), snapshot.getAfterChanges(),
				snapshot.getKeep(), snapshot.getRestore(), snapshot.getStore(), snapshot.getBucket(),
				snapshot.getDirectory(), new S3StoreConfig(s3.getEndpoint(), s3.getRegion(), s3.getBucket(),
						s3.getPrefix(), s3.isPathStyle(), s3.getAccessKeyId(), s3.getSecretAccessKey()),
				snapshot.getLeaseTtl(), snapshot.getWorkDirectory(), (staleAfter != null) ? staleAfter : Duration.ZERO);
	}

	private static SchemaConfig schema(HarmonyLiteProperties.Schema schema) {
		return new SchemaConfig(schema.getCheckInterval(), schema.getRecomputeInterval(), schema.getNakDelay(),
				schema.getUnknownHashQuarantine());
	}

}
