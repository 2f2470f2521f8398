package io.harmonylite.apply;

/**
 * Where the apply side reads one shard stream from: it reports the stream's state and delivers its messages in order
 * from a given sequence on. Implemented over JetStream in {@code io.harmonylite.nats}; tests use an in-memory fake.
 *
 * @since 0.1.0
 */
public interface ShardSource {

	/**
	 * The shard this source reads.
	 * @return the shard number, 0-based
	 */
	int shard();

	/**
	 * The name of the stream this source reads.
	 * @return the stream name
	 */
	String stream();

	/**
	 * The stream's state now.
	 * @return the first and last sequence it holds and its identity
	 * @throws io.harmonylite.HarmonyLiteException if the state cannot be read (e.g. while disconnected)
	 */
	StreamState state();

	/**
	 * Whether the stream still holds a message.
	 * @param sequence the message's sequence
	 * @return {@code false} when the message was deleted or dropped
	 * @throws io.harmonylite.HarmonyLiteException if the stream cannot be read
	 */
	boolean holds(long sequence);

	/**
	 * Starts delivering the stream's messages in order, beginning right after the given sequence; a source delivers to
	 * one receiver at a time, so starting again first stops the previous delivery.
	 * @param afterSequence the last sequence already applied, 0 to deliver from the stream's start
	 * @param receiver gets each message, on the source's own thread
	 * @throws io.harmonylite.HarmonyLiteException if delivery cannot start
	 */
	void start(long afterSequence, Receiver receiver);

	/**
	 * Stops delivering; messages already handed over stay with the receiver. Does nothing when not started.
	 */
	void stop();

	/**
	 * Whether this source is handing a message over right now (reassembling a change split into chunks, or waiting for
	 * room in the apply queue): a shard busy so is not stalled, and restarting it would deliver the message twice at
	 * once.
	 * @return {@code true} while a delivery is in progress; {@code false} when the source cannot tell
	 */
	default boolean delivering() {
		return false;
	}

	/**
	 * Whether this source delivered any message since it was last started: one that delivers nothing at all while its
	 * stream holds messages for it is restarted sooner than one that stopped midway.
	 * @return {@code true} once a message was delivered after the last start; {@code true} when the source cannot tell
	 */
	default boolean deliveredSinceStart() {
		return true;
	}

	/**
	 * Takes the messages a {@link ShardSource} delivers.
	 */
	@FunctionalInterface
	interface Receiver {

		/**
		 * Takes one message, waiting while the receiver is full.
		 * @param message the message
		 * @throws InterruptedException if interrupted while waiting
		 */
		void receive(ReceivedMessage message) throws InterruptedException;

	}

}
