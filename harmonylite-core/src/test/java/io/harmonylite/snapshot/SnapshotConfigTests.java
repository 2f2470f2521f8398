package io.harmonylite.snapshot;

import java.nio.file.Path;
import java.time.Duration;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Validation of {@code harmonylite.snapshot.*}: each invalid value names its property.
 */
class SnapshotConfigTests {

	private static final SnapshotConfig DEFAULTS = SnapshotConfig.defaults();

	@Test
	void defaultsShouldTakeHourlySnapshotsIntoNatsAndRestoreAutomatically() {
		assertThat(DEFAULTS.enabled()).isTrue();
		assertThat(DEFAULTS.interval()).isEqualTo(Duration.ofHours(1));
		assertThat(DEFAULTS.store()).isEqualTo(SnapshotStoreType.NATS);
		assertThat(DEFAULTS.restore()).isEqualTo(RestoreMode.AUTO);
		assertThat(DEFAULTS.leaseHeartbeat()).isEqualTo(Duration.ofSeconds(10));
		assertThat(DEFAULTS.workDirectory(Path.of("/data/app.db"))).isEqualTo(Path.of("/data/app.db-snapshots"));
	}

	@Test
	void noScheduleAtAllShouldBeRejectedWhileEnabled() {
		assertProperty("harmonylite.snapshot.interval", () -> config(true, Duration.ZERO, 0, 3, SnapshotStoreType.NATS,
				"b", null, S3StoreConfig.defaults(), Duration.ofSeconds(30)));
		assertThat(config(false, Duration.ZERO, 0, 3, SnapshotStoreType.NATS, "b", null, S3StoreConfig.defaults(),
				Duration.ofSeconds(30)).enabled()).isFalse();
		assertThat(config(true, Duration.ZERO, 10_000, 3, SnapshotStoreType.NATS, "b", null, S3StoreConfig.defaults(),
				Duration.ofSeconds(30)).afterChanges()).isEqualTo(10_000);
	}

	@Test
	void invalidValuesShouldNameTheirProperty() {
		S3StoreConfig s3 = S3StoreConfig.defaults();
		Duration ttl = Duration.ofSeconds(30);
		Duration hour = Duration.ofHours(1);
		assertProperty("harmonylite.snapshot.interval",
				() -> config(true, Duration.ofSeconds(-1), 0, 3, SnapshotStoreType.NATS, "b", null, s3, ttl));
		assertProperty("harmonylite.snapshot.after-changes",
				() -> config(true, hour, -1, 3, SnapshotStoreType.NATS, "b", null, s3, ttl));
		assertProperty("harmonylite.snapshot.keep", () -> config(true, hour, 0, 0, SnapshotStoreType.NATS, "b", null, s3, ttl));
		assertProperty("harmonylite.snapshot.bucket",
				() -> config(true, hour, 0, 3, SnapshotStoreType.NATS, "has space", null, s3, ttl));
		assertProperty("harmonylite.snapshot.directory",
				() -> config(true, hour, 0, 3, SnapshotStoreType.DIRECTORY, "b", null, s3, ttl));
		assertProperty("harmonylite.snapshot.s3.bucket",
				() -> config(true, hour, 0, 3, SnapshotStoreType.S3, "b", null, s3, ttl));
		assertProperty("harmonylite.snapshot.s3.access-key-id", () -> config(true, hour, 0, 3, SnapshotStoreType.S3, "b",
				null, new S3StoreConfig(null, "eu-west-1", "snapshots", "", false, "key", null), ttl));
		assertProperty("harmonylite.snapshot.lease-ttl", () -> config(true, hour, 0, 3, SnapshotStoreType.NATS, "b", null,
				s3, Duration.ofMillis(500)));
	}

	@Test
	void s3SecretShouldNotAppearInText() {
		S3StoreConfig s3 = new S3StoreConfig("http://127.0.0.1:9000", "us-east-1", "b", "", true, "key", "s3cr3t");
		assertThat(s3.toString()).doesNotContain("s3cr3t").contains("bucket=b");
	}

	private static SnapshotConfig config(boolean enabled, Duration interval, long afterChanges, int keep,
			SnapshotStoreType store, String bucket, Path directory, S3StoreConfig s3, Duration leaseTtl) {
		return new SnapshotConfig(enabled, interval, afterChanges, keep, RestoreMode.AUTO, store, bucket, directory, s3,
				leaseTtl, null);
	}

	private static void assertProperty(String property, Runnable creation) {
		assertThatExceptionOfType(ConfigException.class).isThrownBy(creation::run)
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo(property));
	}

}
