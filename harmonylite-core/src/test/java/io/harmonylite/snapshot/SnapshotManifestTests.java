package io.harmonylite.snapshot;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The manifest beside each snapshot: a lossless, human-readable encoding of its metadata.
 */
class SnapshotManifestTests {

	@Test
	void manifestShouldRoundTripMetadataWithAnyTableAndStreamNames() {
		SnapshotMetadata metadata = new SnapshotMetadata("20250301T101530123Z-n7-0a1b2c", 7, "f".repeat(64),
				Map.of("changes-0", 123_456_789_012L, "changes-1", 0L), Map.of("changes-0", "2025-01-01T00:00:00.5Z"),
				Instant.parse("2025-03-01T10:15:30.123456Z"), 1234, 98_765, "0123456789abcdef".repeat(4),
				Map.of("Books", 20_000L, "Order Items", 3L, "ünï=cödé: \"quoted\"", 1L), "v0.1.0-SNAPSHOT");
		byte[] manifest = SnapshotManifest.encode(metadata);
		assertThat(new String(manifest, StandardCharsets.UTF_8)).contains("node_id=7", "rows.Books=20000");
		assertThat(SnapshotManifest.decode(manifest, "test")).isEqualTo(metadata);
	}

	@Test
	void manifestOfANewerFormatShouldBeRejectedWithTheFix() {
		assertThatExceptionOfType(SnapshotException.class)
			.isThrownBy(() -> SnapshotManifest.decode("format=2\n".getBytes(StandardCharsets.UTF_8), "x.manifest"))
			.withMessageContaining("x.manifest")
			.withMessageContaining("format 2 is not supported")
			.withMessageContaining("upgrade HarmonyLite");
	}

	@Test
	void idsShouldSortByTimeAndBeSafeNames() {
		String earlier = SnapshotMetadata.newId(Instant.parse("2025-03-01T10:15:30.123Z"), 12);
		String later = SnapshotMetadata.newId(Instant.parse("2025-03-01T10:15:30.124Z"), 3);
		assertThat(earlier).matches("20250301T101530123Z-n12-[0-9a-f]{6}");
		assertThat(later).isGreaterThan(earlier);
		assertThat(SnapshotMetadata.isValidId(earlier)).isTrue();
		assertThat(SnapshotMetadata.isValidId("../etc/passwd")).isFalse();
	}

}
