package io.harmonylite.snapshot.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.harmonylite.snapshot.S3StoreConfig;
import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@link SnapshotStoreContract} against an S3-compatible server (S3Proxy in its own process), through the store's
 * own client built from {@code harmonylite.snapshot.s3.*} settings.
 */
class S3SnapshotStoreIntegrationTests extends SnapshotStoreContract {

	private static final String BUCKET = "snapshots";

	private static final AtomicInteger prefixes = new AtomicInteger();

	private static S3ProxyServer server;

	private static S3SnapshotStore shared;

	@BeforeAll
	static void startServer() throws Exception {
		server = S3ProxyServer.start(Files.createTempDirectory("s3proxy-"));
		shared = S3SnapshotStore.create(config(BUCKET, ""));
		// The store needs an existing bucket, as in production.
		try (S3Client client = S3Client.builder()
			.endpointOverride(URI.create(server.endpoint()))
			.region(Region.US_EAST_1)
			.forcePathStyle(true)
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
			.build()) {
			client.createBucket((request) -> request.bucket(BUCKET));
		}
	}

	@AfterAll
	static void stopServer() throws InterruptedException {
		if (shared != null) {
			shared.close();
		}
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected SnapshotStore createStore() {
		return S3SnapshotStore.create(config(BUCKET, "cluster-" + prefixes.incrementAndGet() + "/"));
	}

	@Test
	void storesWithOtherPrefixesInTheSameBucketShouldNotSeeEachOthersSnapshots() throws Exception {
		SnapshotStore production = S3SnapshotStore.create(config(BUCKET, "prod/"));
		SnapshotStore staging = S3SnapshotStore.create(config(BUCKET, "prod/staging/"));
		Path data = data("data", 100, 1);
		SnapshotMetadata metadata = metadata("in-prod", Instant.EPOCH, data);
		production.put(metadata, data);
		assertThat(production.list()).containsExactly(metadata);
		assertThat(staging.list()).isEmpty();
	}

	@Test
	void wrongCredentialsShouldFailNamingTheSettings() {
		S3SnapshotStore store = S3SnapshotStore.create(new S3StoreConfig(server.endpoint(), "us-east-1", BUCKET, "",
				true, S3ProxyServer.ACCESS_KEY, "wrong-secret"));
		assertThatExceptionOfType(SnapshotException.class).isThrownBy(store::list)
			.withMessageContaining("harmonylite.snapshot.s3.endpoint");
	}

	private static S3StoreConfig config(String bucket, String prefix) {
		return new S3StoreConfig(server.endpoint(), "us-east-1", bucket, prefix, true, S3ProxyServer.ACCESS_KEY,
				S3ProxyServer.SECRET_KEY);
	}

}
