package io.harmonylite.engine;

import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a node that must be closed, in the order they were started; {@link #close()} closes them in reverse,
 * each whatever happened to the ones before.
 */
final class Resources implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Resources.class);

	private final long nodeId;

	private final Deque<AutoCloseable> started = new ArrayDeque<>();

	Resources(long nodeId) {
		this.nodeId = nodeId;
	}

	/**
	 * Registers a started part.
	 * @param <T> its type
	 * @param resource the part
	 * @return the part
	 */
	synchronized <T extends AutoCloseable> T add(T resource) {
		this.started.push(resource);
		return resource;
	}

	/**
	 * Closes every part, the last started first.
	 */
	@Override
	public synchronized void close() {
		while (!this.started.isEmpty()) {
			AutoCloseable resource = this.started.pop();
			try {
				resource.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Exception ex) {
				logger.warn("Node {}: shutdown step failed: {}", this.nodeId, ex.getMessage());
			}
		}
	}

}
