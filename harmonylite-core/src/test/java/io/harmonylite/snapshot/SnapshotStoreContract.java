package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The behaviour every {@link SnapshotStore} shares; run against the directory, NATS object store and S3 stores.
 */
public abstract class SnapshotStoreContract {

	private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

	@TempDir
	protected Path temp;

	/**
	 * Creates an empty store of its own (no snapshots from other tests).
	 * @return the store
	 */
	protected abstract SnapshotStore createStore();

	@Test
	void emptyStoreShouldListNoSnapshots() {
		assertThat(createStore().list()).isEmpty();
	}

	@Test
	void putSnapshotShouldBeListedAndReadBackByteForByte() throws IOException {
		SnapshotStore store = createStore();
		// Larger than one NATS object-store chunk (128 KiB), so chunking is part of the round trip.
		Path data = data("data", 300_000, 1);
		SnapshotMetadata metadata = metadata("20250301T100000000Z-n1-aaaaaa", T0, data);
		store.put(metadata, data);

		assertThat(store.list()).containsExactly(metadata);
		Path target = this.temp.resolve("downloaded");
		assertThat(store.get(metadata.id(), target)).isEqualTo(metadata);
		assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(data));
	}

	@Test
	void listShouldReturnNewestFirst() throws IOException {
		SnapshotStore store = createStore();
		Path data = data("data", 1000, 2);
		SnapshotMetadata middle = metadata("b-middle", T0.plusSeconds(60), data);
		SnapshotMetadata newest = metadata("c-newest", T0.plusSeconds(120), data);
		SnapshotMetadata oldest = metadata("a-oldest", T0, data);
		store.put(middle, data);
		store.put(newest, data);
		store.put(oldest, data);
		assertThat(store.list()).containsExactly(newest, middle, oldest);
	}

	@Test
	void deletedSnapshotShouldNeitherBeListedNorReadable() throws IOException {
		SnapshotStore store = createStore();
		Path data = data("data", 1000, 3);
		SnapshotMetadata kept = metadata("kept", T0, data);
		SnapshotMetadata deleted = metadata("deleted", T0.plusSeconds(1), data);
		store.put(kept, data);
		store.put(deleted, data);

		store.delete(deleted.id());

		assertThat(store.list()).containsExactly(kept);
		assertThatExceptionOfType(SnapshotNotFoundException.class)
			.isThrownBy(() -> store.get(deleted.id(), this.temp.resolve("target")))
			.withMessageContaining("deleted");
	}

	@Test
	void getOfAnUnknownSnapshotShouldThrowNotFound() {
		SnapshotStore store = createStore();
		assertThatExceptionOfType(SnapshotNotFoundException.class)
			.isThrownBy(() -> store.get("never-stored", this.temp.resolve("target")))
			.withMessageContaining("never-stored");
	}

	@Test
	void deleteOfAnUnknownSnapshotShouldDoNothing() throws IOException {
		SnapshotStore store = createStore();
		Path data = data("data", 10, 4);
		SnapshotMetadata kept = metadata("kept", T0, data);
		store.put(kept, data);
		store.delete("never-stored");
		assertThat(store.list()).containsExactly(kept);
	}

	@Test
	void getShouldReplaceAnExistingTargetFile() throws IOException {
		SnapshotStore store = createStore();
		Path data = data("data", 5000, 5);
		SnapshotMetadata metadata = metadata("replacing", T0, data);
		store.put(metadata, data);
		Path target = data("target", 90_000, 6);
		store.get(metadata.id(), target);
		assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(data));
	}

	@Test
	void retentionShouldKeepTheNewestSnapshotsAndDeleteTheOthers() throws IOException {
		SnapshotStore store = createStore();
		Path data = data("data", 100, 7);
		for (int i = 0; i < 4; i++) {
			store.put(metadata("snapshot-" + i, T0.plusSeconds(i), data), data);
		}

		assertThat(new SnapshotRetention(store, 2).prune()).containsExactly("snapshot-1", "snapshot-0");

		assertThat(store.list()).extracting(SnapshotMetadata::id).containsExactly("snapshot-3", "snapshot-2");
	}

	/**
	 * Writes a file of random bytes.
	 * @param name the file name in the test's temporary directory
	 * @param size its size
	 * @param seed the random seed
	 * @return the file
	 * @throws IOException if it cannot be written
	 */
	protected Path data(String name, int size, long seed) throws IOException {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return Files.write(this.temp.resolve(name), bytes);
	}

	/**
	 * Metadata describing a data file.
	 * @param id the snapshot id
	 * @param createdAt its creation time
	 * @param data the data file
	 * @return metadata with the file's size and SHA-256
	 * @throws IOException if the file cannot be read
	 */
	protected static SnapshotMetadata metadata(String id, Instant createdAt, Path data) throws IOException {
		byte[] bytes = Files.readAllBytes(data);
		try {
			String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
			return new SnapshotMetadata(id, 2, "3f2a".repeat(16), Map.of("stream-0", 41L, "stream-1", 7L),
					Map.of("stream-0", "2025-01-01T00:00:00Z"), createdAt, bytes.length, bytes.length * 3L, sha256,
					Map.of("Books", 20_000L, "Order Items", 3L), "v0.1.0");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
