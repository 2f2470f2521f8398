package io.harmonylite.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A snapshot just taken, waiting in a local file to be stored; closing it deletes the file.
 *
 * @param metadata its metadata
 * @param data its compressed data
 * @since 0.1.0
 */
public record TakenSnapshot(SnapshotMetadata metadata, Path data) implements AutoCloseable {

	/**
	 * Deletes the local file.
	 */
	@Override
	public void close() {
		try {
			Files.deleteIfExists(this.data);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete the snapshot file " + this.data, ex);
		}
	}

}
