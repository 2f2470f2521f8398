package io.harmonylite.apply;

/**
 * Told about every change written on another node once this node has committed it, for example to refresh a cache or
 * push the change to a web page. Register it on the engine builder.
 * <p>
 * Listeners are called one change at a time, in the order the changes were committed here, on one thread of their own,
 * never on the apply thread: a slow listener cannot hold replication back. Changes wait for it in a bounded queue;
 * when the queue is full the oldest waiting change is dropped and counted ({@code eventsDropped} in the engine's
 * counters). A listener that throws is logged and called again with the next change.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReplicatedChangeListener {

	/**
	 * A change from another node was committed on this node.
	 * @param change the change
	 */
	void replicated(ReplicatedChange change);

}
