package io.harmonylite.snapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * Compresses a database copy with zstd while hashing the compressed bytes, and checks and decompresses it again.
 */
final class SnapshotFiles {

	private static final int LEVEL = 3;

	private static final int BUFFER = 1 << 16;

	private SnapshotFiles() {
	}

	/**
	 * Compresses a file.
	 * @param source the database copy
	 * @param target the compressed file, replaced when it exists
	 * @return the lowercase hexadecimal SHA-256 of the compressed file
	 * @throws IOException if a file cannot be read or written
	 */
	static String compress(Path source, Path target) throws IOException {
		MessageDigest digest = sha256();
		try (InputStream in = Files.newInputStream(source);
				OutputStream file = new DigestOutputStream(Files.newOutputStream(target), digest);
				ZstdOutputStream out = new ZstdOutputStream(new BufferedOutputStream(file, BUFFER), LEVEL)) {
			// zstd's own threads: compression runs beside the reading instead of after it.
			out.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
			in.transferTo(out);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * Decompresses a snapshot's data after checking that it is the data its metadata describes.
	 * @param source the compressed file
	 * @param target the database file to write, replaced when it exists
	 * @param metadata the snapshot's metadata, with the expected size and SHA-256
	 * @throws SnapshotException if the size or SHA-256 differ (a damaged or partial download)
	 * @throws IOException if a file cannot be read or written
	 */
	static void decompress(Path source, Path target, SnapshotMetadata metadata) throws IOException {
		long size = Files.size(source);
		if (size != metadata.size()) {
			throw damaged(metadata, "it has " + size + " bytes, its manifest says " + metadata.size());
		}
		MessageDigest digest = sha256();
		try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		String sha256 = HexFormat.of().formatHex(digest.digest());
		if (!sha256.equals(metadata.sha256())) {
			throw damaged(metadata, "its SHA-256 is " + sha256 + ", its manifest says " + metadata.sha256());
		}
		// Checked before decompressing, so that damaged data fails with this message rather than a zstd error.
		try (InputStream in = new ZstdInputStream(Files.newInputStream(source));
				OutputStream out = Files.newOutputStream(target)) {
			in.transferTo(out);
		}
	}

	private static SnapshotException damaged(SnapshotMetadata metadata, String detail) {
		return new SnapshotException("Snapshot " + metadata.id() + " is damaged: " + detail
				+ "; nothing was installed. Delete it from the store; the node will use an older one, or a new one taken every "
				+ "harmonylite.snapshot.interval");
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime provides SHA-256", ex);
		}
	}

}
