package io.harmonylite.nats;

import java.io.IOException;

import io.nats.client.JetStreamApiException;

/**
 * Creates a JetStream bucket (key-value or object store) on first use: an existing one is used as it is, and another
 * node creating it at the same moment is not an error.
 */
final class JetStreamBuckets {

	/** JetStream's API error code for a stream (or bucket) that does not exist. */
	static final int STREAM_NOT_FOUND = 10059;

	private JetStreamBuckets() {
	}

	/**
	 * Makes sure a bucket exists.
	 * @param existing reads the bucket's status (and checks its settings), failing with JetStream's "stream not
	 * found" when there is no bucket
	 * @param create creates the bucket
	 * @return {@code true} when this call created it
	 * @throws IOException if NATS cannot be reached
	 * @throws JetStreamApiException if the bucket can neither be read nor created
	 */
	static boolean ensure(BucketCall existing, BucketCall create) throws IOException, JetStreamApiException {
		try {
			existing.run();
			return false;
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() != STREAM_NOT_FOUND) {
				throw ex;
			}
		}
		try {
			create.run();
			return true;
		}
		catch (JetStreamApiException ex) {
			// Another node may have created it at the same moment, possibly with other settings: use theirs.
			try {
				existing.run();
				return false;
			}
			catch (JetStreamApiException notCreated) {
				ex.addSuppressed(notCreated);
				throw ex;
			}
		}
	}

	/**
	 * A JetStream management call.
	 */
	@FunctionalInterface
	interface BucketCall {

		void run() throws IOException, JetStreamApiException;

	}

}
