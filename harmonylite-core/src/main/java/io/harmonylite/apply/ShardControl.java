package io.harmonylite.apply;

import java.time.Duration;

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
	 * Like {@link #redeliverLater(int)}, but redelivers after at most the given delay, e.g. when the next message
	 * is to be judged again then.
	 * @param shard the shard
	 * @param delay the longest wait; {@link Duration#ZERO} for at once
	 */
	default void redeliverAfter(int shard, Duration delay) {
		redeliverLater(shard);
	}

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
