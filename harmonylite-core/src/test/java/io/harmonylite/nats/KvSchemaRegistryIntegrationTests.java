package io.harmonylite.nats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.schema.NodeSchemaState;
import io.harmonylite.schema.SchemaRegistry;
import io.harmonylite.schema.SchemaRegistryContract;
import io.harmonylite.schema.SchemaRegistryException;
import io.harmonylite.testsupport.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The registry contract and the bucket's format against a real {@code nats-server -js}.
 */
class KvSchemaRegistryIntegrationTests extends SchemaRegistryContract {

	private static final AtomicInteger buckets = new AtomicInteger();

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@Override
	protected SchemaRegistry createRegistry(Duration ttl) {
		return new KvSchemaRegistry(nats.connection(), uniqueBucket(), ttl, 1);
	}

	@Test
	void firstUseShouldCreateBucketWithTtlAndOneRevisionPerKey() throws Exception {
		String bucket = uniqueBucket();
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection(), bucket, Duration.ofSeconds(42), 1);
		assertThat(nats.connection().keyValueManagement().getBucketNames()).doesNotContain(bucket);
		registry.publish(state(1, "aaaa"));
		var status = nats.connection().keyValueManagement().getStatus(bucket);
		assertThat(status.getTtl()).isEqualTo(Duration.ofSeconds(42));
		assertThat(status.getMaxHistoryPerKey()).isOne();
		assertThat(status.getStorageType()).isEqualTo(StorageType.File);
	}

	@Test
	void defaultsShouldUseTheDocumentedBucketAndFiveMinuteTtl() throws Exception {
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection());
		registry.publish(state(7, "aaaa"));
		assertThat(nats.connection().keyValueManagement().getStatus("harmonylite-schema-registry").getTtl())
			.isEqualTo(Duration.ofMinutes(5));
		assertThat(nats.connection().keyValue("harmonylite-schema-registry").get("node-7")).isNotNull();
		nats.connection().keyValueManagement().delete("harmonylite-schema-registry");
	}

	@Test
	void existingBucketShouldBeUsedAsItIs() throws Exception {
		String bucket = uniqueBucket();
		nats.connection().keyValueManagement()
			.create(KeyValueConfiguration.builder().name(bucket).ttl(Duration.ofMinutes(1)).build());
		new KvSchemaRegistry(nats.connection(), bucket, Duration.ofMinutes(5), 1).publish(state(1, "aaaa"));
		assertThat(nats.connection().keyValueManagement().getStatus(bucket).getTtl()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void valueShouldBeTheDocumentedJsonUnderTheNodesKey() throws Exception {
		String bucket = uniqueBucket();
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection(), bucket, Duration.ofMinutes(5), 1);
		registry.publish(new NodeSchemaState(1, "6bae09c0aa", null, "v0.1.0", List.of("Books"),
				Instant.parse("2025-01-01T10:00:00Z")));
		registry.publish(new NodeSchemaState(2, "9b1c2d3eff", "6bae09c0aa", "v0.1.0", List.of("Books", "Authors"),
				Instant.parse("2025-01-01T10:00:00.250Z"), null, Map.of(), 2));
		KeyValue kv = nats.connection().keyValue(bucket);
		assertThat(kv.keys()).containsExactlyInAnyOrder("node-1", "node-2");
		assertThat(kv.get("node-1").getValueAsString()).isEqualTo("{\"node_id\":1,\"schema_hash\":\"6bae09c0aa\","
				+ "\"previous_hash\":null,\"harmonylite_version\":\"v0.1.0\",\"watched_tables\":[\"Books\"],"
				+ "\"updated_at\":\"2025-01-01T10:00:00Z\",\"wire_format\":1}");
		assertThat(kv.get("node-2").getValueAsString()).isEqualTo("{\"node_id\":2,\"schema_hash\":\"9b1c2d3eff\","
				+ "\"previous_hash\":\"6bae09c0aa\",\"harmonylite_version\":\"v0.1.0\","
				+ "\"watched_tables\":[\"Books\",\"Authors\"],\"updated_at\":\"2025-01-01T10:00:00.250Z\","
				+ "\"wire_format\":2}");
	}

	@Test
	void migrationVersionAndColumnsShouldRoundTripAsOptionalFields() throws Exception {
		String bucket = uniqueBucket();
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection(), bucket, Duration.ofMinutes(5), 1);
		NodeSchemaState state = new NodeSchemaState(1, "6bae09c0aa", null, "v0.1.0", List.of("Books"),
				Instant.parse("2025-01-01T10:00:00Z"), "flyway:3", Map.of("Books", List.of("id INTEGER", "email")));
		registry.publish(state);

		assertThat(nats.connection().keyValue(bucket).get("node-1").getValueAsString())
			.endsWith("\"updated_at\":\"2025-01-01T10:00:00Z\",\"migration_version\":\"flyway:3\","
					+ "\"columns\":{\"Books\":[\"id INTEGER\",\"email\"]},\"wire_format\":1}");
		assertThat(registry.nodes()).containsExactly(state);
	}

	@Test
	void entriesWrittenByOtherToolsShouldBeReadLeniently() throws Exception {
		String bucket = uniqueBucket();
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection(), bucket, Duration.ofMinutes(5), 1);
		registry.nodes();
		// No previous_hash, no watched_tables, no wire_format (so format 1 only), an offset timestamp: what the Go
		// original and the previous release write.
		nats.connection().keyValue(bucket)
			.put("node-3", "{\"node_id\":3,\"schema_hash\":\"abc\",\"harmonylite_version\":\"v0.10.0\","
					+ "\"updated_at\":\"2025-01-01T12:00:00.5+02:00\"}");
		assertThat(registry.nodes()).containsExactly(
				new NodeSchemaState(3, "abc", null, "v0.10.0", List.of(), Instant.parse("2025-01-01T10:00:00.5Z")));
	}

	@Test
	void deletedAndUnreadableEntriesShouldBeSkipped() throws Exception {
		String bucket = uniqueBucket();
		KvSchemaRegistry registry = new KvSchemaRegistry(nats.connection(), bucket, Duration.ofMinutes(5), 1);
		registry.publish(state(1, "aaaa"));
		registry.publish(state(2, "bbbb"));
		KeyValue kv = nats.connection().keyValue(bucket);
		kv.delete("node-2");
		kv.put("node-3", "not json");
		kv.put("node-4", "{\"node_id\":5,\"schema_hash\":\"x\",\"harmonylite_version\":\"v\",\"updated_at\":\"2025-01-01T00:00:00Z\"}");
		kv.put("node-5", "{\"node_id\":5,\"schema_hash\":42,\"harmonylite_version\":\"v\",\"updated_at\":\"2025-01-01T00:00:00Z\"}");
		kv.put("node-6", "{\"node_id\":6,\"schema_hash\":\"x\",\"harmonylite_version\":\"v\",\"updated_at\":\"yesterday\"}");
		kv.put("someone-else", "{}");
		kv.put("node-7", "{\"node_id\":7,\"schema_hash\":\"x\",\"harmonylite_version\":\"v\",\"updated_at\":\"2025-01-01T00:00:00Z\"}");
		kv.purge("node-7");
		assertThat(registry.nodes()).containsExactly(state(1, "aaaa"));
	}

	@Test
	void closedConnectionShouldFailWithRegistryException() throws Exception {
		Connection closed = Nats.connect(Options.builder().server(nats.url()).build());
		KvSchemaRegistry registry = new KvSchemaRegistry(closed, uniqueBucket(), Duration.ofMinutes(5), 1);
		registry.publish(state(1, "aaaa"));
		closed.close();
		assertThatExceptionOfType(SchemaRegistryException.class).isThrownBy(() -> registry.publish(state(1, "bbbb")))
			.withMessageContaining("node 1")
			.withMessageContaining("Check that NATS is reachable");
		assertThatExceptionOfType(SchemaRegistryException.class).isThrownBy(registry::nodes);
	}

	private static String uniqueBucket() {
		return "schema-registry-test-" + buckets.incrementAndGet();
	}

}
