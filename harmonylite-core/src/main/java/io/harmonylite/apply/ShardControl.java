package io.harmonylite.apply;

/**
 * Lets the apply loop ask for a shard's messages to be delivered again later, from the position stored here.
 *
 * @since 0.1.0
 */
public interface ShardControl {

	/**
	 * The shard's next message cannot be applied yet (its schema does not match); stop delivering and redeliver it
	 * later.
	 * @param shard the shard
	 */
	void redeliverLater(int shard);

	/**
	 * The shard delivered a message past the next expected sequence while not paused: restart its consumer from the
	 * stored position now, which also detects a stream that dropped messages not yet applied here.
	 * @param shard the shard
	 */
	void resync(int shard);

	/**
	 * The shard resumed after a pause.
	 * @param shard the shard
	 */
	default void resumed(int shard) {
	}

}
