package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SnapshotStoreContract} on a directory, and what is particular to files.
 */
class DirectorySnapshotStoreTests extends SnapshotStoreContract {

	private final AtomicInteger stores = new AtomicInteger();

	@Override
	protected SnapshotStore createStore() {
		return new DirectorySnapshotStore(this.temp.resolve("store-" + this.stores.incrementAndGet()));
	}

	@Test
	void storedSnapshotShouldBeTwoNamedFilesAndNoTemporaryOnes() throws IOException {
		Path directory = this.temp.resolve("volume");
		Path data = data("data", 100, 1);
		new DirectorySnapshotStore(directory).put(metadata("on-disk", java.time.Instant.EPOCH, data), data);
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("on-disk.db.zst",
					"on-disk.manifest");
		}
	}

	@Test
	void unreadableManifestShouldBeSkippedWhenListing() throws IOException {
		Path directory = this.temp.resolve("volume");
		Path data = data("data", 100, 1);
		DirectorySnapshotStore store = new DirectorySnapshotStore(directory);
		SnapshotMetadata good = metadata("good", java.time.Instant.EPOCH, data);
		store.put(good, data);
		Files.writeString(directory.resolve("broken.manifest"), "format=1\nid=broken\n");
		assertThat(store.list()).containsExactly(good);
	}

}
