package io.harmonylite.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Describes one message of a change too large for one message: the change's encoded message (as
 * {@link ChangeEventCodec#encodeAll} frames it) is split into {@code count} consecutive pieces published in order to
 * the change's shard, each carrying this description in its headers. Chunk {@code i > 1} names the stream sequence of
 * chunk {@code i - 1}, so that a receiver that restarted mid-way can read the earlier chunks back from the stream.
 *
 * @param changeKey identifies the change and the publish attempt: the message id of the change as one message would
 * have it
 * @param index this chunk's number, 1-based
 * @param count how many chunks the change has
 * @param offset where this chunk's bytes start in the whole message
 * @param totalBytes the whole message's size
 * @param sha256 the SHA-256 of the whole message, lower-case hex
 * @param previousSequence the stream sequence of chunk {@code index - 1}; 0 for the first chunk
 * @since 0.1.0
 */
public record ChunkHeader(String changeKey, int index, int count, long offset, long totalBytes, String sha256,
		long previousSequence) {

	/** The most chunks one change may have, so that a hostile header cannot make a receiver allocate much. */
	public static final int MAX_CHUNKS = 100_000;

	public ChunkHeader {
		Objects.requireNonNull(changeKey, "changeKey");
		Objects.requireNonNull(sha256, "sha256");
	}

	/**
	 * Whether this is the change's last chunk, which completes it.
	 * @return {@code true} for chunk {@code count} of {@code count}
	 */
	public boolean isLast() {
		return this.index == this.count;
	}

	/**
	 * Whether another chunk belongs to the same change and publish attempt as this one.
	 * @param other the other chunk's header
	 * @return {@code true} when key, count, size and checksum agree
	 */
	public boolean sameChange(ChunkHeader other) {
		return this.changeKey.equals(other.changeKey) && this.count == other.count
				&& this.totalBytes == other.totalBytes && this.sha256.equals(other.sha256);
	}

	/**
	 * Checks the header against the bytes of its chunk and a limit on the whole change.
	 * @param chunkBytes the size of the chunk's payload
	 * @param maxTotalBytes the largest whole message accepted
	 * @return what is wrong, {@code null} when the header is consistent
	 */
	public @Nullable String problem(int chunkBytes, long maxTotalBytes) {
		if (this.count < 1 || this.count > MAX_CHUNKS || this.index < 1 || this.index > this.count) {
			return "chunk " + this.index + " of " + this.count + " is out of range (chunks are numbered from 1 to their "
					+ "count, at most " + MAX_CHUNKS + ")";
		}
		if (this.totalBytes > maxTotalBytes) {
			return "the change has " + this.totalBytes + " bytes, more than the " + maxTotalBytes
					+ " bytes a change may have";
		}
		if (chunkBytes < 1 || this.offset < 0 || this.offset + chunkBytes > this.totalBytes
				|| (this.isLast() && this.offset + chunkBytes != this.totalBytes)) {
			return "chunk " + this.index + " of " + this.count + " holds " + chunkBytes + " bytes at offset "
					+ this.offset + ", which does not fit a change of " + this.totalBytes + " bytes";
		}
		if ((this.index == 1) != (this.previousSequence == 0) || this.previousSequence < 0) {
			return "chunk " + this.index + " of " + this.count + " names sequence " + this.previousSequence
					+ " as its predecessor";
		}
		return null;
	}

	/**
	 * The checksum chunks carry.
	 * @param message the whole message
	 * @return its SHA-256, lower-case hex
	 */
	public static String sha256(byte[] message) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(message));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	@Override
	public String toString() {
		return "chunk " + this.index + "/" + this.count + " of change " + this.changeKey;
	}

}
