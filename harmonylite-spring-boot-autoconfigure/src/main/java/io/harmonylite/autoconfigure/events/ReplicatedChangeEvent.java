package io.harmonylite.autoconfigure.events;

import java.time.Instant;
import java.util.Map;

import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.event.Operation;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a row change written on another node has been committed on this node; listen with
 * {@code @EventListener}, for example {@code @EventListener(condition = "#event.table == 'notes'")}.
 * <p>
 * Events are published one at a time, in the order the changes were committed here, on HarmonyLite's
 * {@code events} thread, never on the thread that applies replication: a slow listener delays the next events, not
 * replication. When more than {@code harmonylite.events.queue-capacity} changes wait, the oldest are dropped and
 * counted ({@code harmonylite.events.dropped}). Changes written on this node are not published.
 *
 * @since 0.1.0
 */
public class ReplicatedChangeEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the event of a change.
	 * @param change the change, also the event's source
	 */
	public ReplicatedChangeEvent(ReplicatedChange change) {
		super(change);
	}

	/**
	 * The change.
	 * @return the change
	 */
	public ReplicatedChange getChange() {
		return (ReplicatedChange) getSource();
	}

	/**
	 * The table the change was made to.
	 * @return the table
	 */
	public String getTable() {
		return getChange().table();
	}

	/**
	 * Whether a row was inserted, updated or deleted.
	 * @return the operation
	 */
	public Operation getOperation() {
		return getChange().operation();
	}

	/**
	 * The row's primary-key values by column, in key order.
	 * @return the key
	 */
	public Map<String, @Nullable Object> getKey() {
		return getChange().key();
	}

	/**
	 * The node where the change was written.
	 * @return the node's id
	 */
	public long getOriginNodeId() {
		return getChange().originNodeId();
	}

	/**
	 * When the change was committed on its origin node.
	 * @return the time
	 */
	public Instant getCommittedAt() {
		return getChange().committedAt();
	}

}
