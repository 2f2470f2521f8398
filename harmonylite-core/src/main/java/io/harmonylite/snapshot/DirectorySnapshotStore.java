package io.harmonylite.snapshot;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotStore} in a directory, e.g. a volume mounted on every node: {@code <id>.db.zst} and
 * {@code <id>.manifest} side by side, each written under a temporary name and moved into place.
 *
 * @since 0.1.0
 */
public final class DirectorySnapshotStore implements SnapshotStore {

	private static final Logger logger = LoggerFactory.getLogger(DirectorySnapshotStore.class);

	private final Path directory;

	/**
	 * Creates a store; the directory is created on the first {@link #put}.
	 * @param directory the directory
	 */
	public DirectorySnapshotStore(Path directory) {
		this.directory = directory.toAbsolutePath();
	}

	@Override
	public void put(SnapshotMetadata metadata, Path data) {
		try {
			Files.createDirectories(this.directory);
			writeAtomically(this.directory.resolve(SnapshotManifest.dataName(metadata.id())),
					(temp) -> Files.copy(data, temp, StandardCopyOption.REPLACE_EXISTING));
			writeAtomically(manifest(metadata.id()), (temp) -> Files.write(temp, SnapshotManifest.encode(metadata)));
		}
		catch (IOException ex) {
			throw new SnapshotException("Could not store snapshot " + metadata.id() + " in " + this + ": "
					+ ex.getMessage() + ". Check that harmonylite.snapshot.directory is writable and has space", ex);
		}
	}

	@Override
	public List<SnapshotMetadata> list() {
		if (!Files.isDirectory(this.directory)) {
			return List.of();
		}
		List<SnapshotMetadata> snapshots = new ArrayList<>();
		try (Stream<Path> files = Files.list(this.directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				String name = file.getFileName().toString();
				if (!name.endsWith(SnapshotManifest.SUFFIX) || name.startsWith(".")) {
					continue;
				}
				try {
					snapshots.add(SnapshotManifest.decode(Files.readAllBytes(file), file.toString()));
				}
				catch (NoSuchFileException ex) {
					// Deleted while listing: no longer a snapshot.
				}
				catch (SnapshotException ex) {
					logger.warn("Skipping {}: {}", file, ex.getMessage());
				}
			}
		}
		catch (IOException ex) {
			throw new SnapshotException("Could not list the snapshots in " + this + ": " + ex.getMessage(), ex);
		}
		snapshots.sort(SnapshotMetadata.NEWEST_FIRST);
		return snapshots;
	}

	@Override
	public SnapshotMetadata get(String id, Path target) {
		requireValid(id);
		try {
			SnapshotMetadata metadata = SnapshotManifest.decode(Files.readAllBytes(manifest(id)), manifest(id).toString());
			Files.copy(this.directory.resolve(SnapshotManifest.dataName(id)), target, StandardCopyOption.REPLACE_EXISTING);
			return metadata;
		}
		catch (NoSuchFileException ex) {
			throw new SnapshotNotFoundException(id, toString());
		}
		catch (IOException ex) {
			throw new SnapshotException("Could not read snapshot " + id + " from " + this + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void delete(String id) {
		requireValid(id);
		try {
			// The manifest first: from then on the snapshot is not listed, even if deleting the data fails.
			Files.deleteIfExists(manifest(id));
			Files.deleteIfExists(this.directory.resolve(SnapshotManifest.dataName(id)));
		}
		catch (IOException ex) {
			throw new SnapshotException("Could not delete snapshot " + id + " from " + this + ": " + ex.getMessage(), ex);
		}
	}

	private Path manifest(String id) {
		return this.directory.resolve(SnapshotManifest.manifestName(id));
	}

	static void requireValid(String id) {
		if (!SnapshotMetadata.isValidId(id)) {
			throw new SnapshotNotFoundException(id, "any store (not a valid snapshot id)");
		}
	}

	private void writeAtomically(Path target, FileWriter writer) throws IOException {
		// Readers never see a partly written file: it gets its name only once complete.
		Path temp = Files.createTempFile(this.directory, ".", ".tmp");
		try {
			writer.write(temp);
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	@FunctionalInterface
	private interface FileWriter {

		void write(Path file) throws IOException;

	}

	@Override
	public String toString() {
		return "snapshot directory " + this.directory;
	}

}
