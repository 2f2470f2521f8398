package io.harmonylite.nats;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds other running nodes that use this node's id, over core NATS request-reply on
 * {@code <subject-prefix>-node.<id>}: every node answers there with who it is (its process and database), except to
 * itself. A starting node asks before it answers, so that any answer comes from another node; a running node asks again
 * now and then, for a node that started where it could not hear it (a partition, routes not yet up). A node that
 * answers nothing (it is stopped, frozen, or of a release without this) is not found.
 *
 * @since 0.1.0
 */
public final class NodePresence implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodePresence.class);

	private final Connection connection;

	private final String subject;

	private final Identity self;

	// Guarded by this.
	private @Nullable Dispatcher dispatcher;

	/**
	 * Creates the presence of a node.
	 * @param connection an open NATS connection
	 * @param subjectPrefix the replication's subject prefix, which scopes one cluster
	 * @param nodeId this node's id
	 * @param self who this node is
	 */
	public NodePresence(Connection connection, String subjectPrefix, long nodeId, Identity self) {
		this.connection = connection;
		this.subject = subjectPrefix + "-node." + nodeId;
		this.self = self;
	}

	/**
	 * Asks whether another node runs with this node's id, waiting for the answer.
	 * @param timeout how long to wait for an answer
	 * @return the other node, empty when none answered
	 */
	public Optional<Identity> ask(Duration timeout) {
		try {
			return otherIn(request(timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// No responders, no answer in time, or no connection: no other node to be found.
			return Optional.empty();
		}
	}

	/**
	 * Asks whether another node runs with this node's id without waiting: {@code found} is told when one answers.
	 * @param timeout how long to wait for an answer
	 * @param found told about the other node
	 */
	public void askInBackground(Duration timeout, Consumer<Identity> found) {
		try {
			request(timeout).whenComplete((reply, failure) -> {
				if (failure == null) {
					otherIn(reply).ifPresent(found);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Could not ask on {} whether another node runs with this id: {}", this.subject,
					ex.getMessage());
		}
	}

	/**
	 * Answers the nodes that ask with this node's identity.
	 * @param askedBy told about every other node that asked
	 */
	public synchronized void answer(Consumer<Identity> askedBy) {
		if (this.dispatcher != null) {
			return;
		}
		this.dispatcher = this.connection.createDispatcher((message) -> {
			Identity asker = Identity.from(message.getHeaders());
			if (asker == null || asker.instance().equals(this.self.instance()) || message.getReplyTo() == null) {
				return;
			}
			this.connection.publish(message.getReplyTo(), this.self.headers(), null);
			askedBy.accept(asker);
		});
		this.dispatcher.subscribe(this.subject);
	}

	private CompletableFuture<Message> request(Duration timeout) {
		return this.connection.requestWithTimeout(this.subject, this.self.headers(), null, timeout);
	}

	private Optional<Identity> otherIn(@Nullable Message reply) {
		if (reply == null || reply.isStatusMessage()) {
			return Optional.empty();
		}
		Identity other = Identity.from(reply.getHeaders());
		return (other == null || other.instance().equals(this.self.instance())) ? Optional.empty()
				: Optional.of(other);
	}

	@Override
	public synchronized void close() {
		if (this.dispatcher != null) {
			try {
				this.connection.closeDispatcher(this.dispatcher);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the presence subscription on {}: {}", this.subject, ex.getMessage());
			}
			this.dispatcher = null;
		}
	}

	/**
	 * Who a running node is.
	 *
	 * @param instance what tells this run of the node from every other, chosen at random when it starts
	 * @param process the node's process, as {@code pid@host}
	 * @param database the node's database file
	 * @param since when the node started
	 */
	public record Identity(String instance, String process, String database, Instant since) {

		private static final String INSTANCE = "HarmonyLite-Instance";

		private static final String PROCESS = "HarmonyLite-Process";

		private static final String DATABASE = "HarmonyLite-Database";

		private static final String SINCE = "HarmonyLite-Since";

		/**
		 * The identity of a node starting now in this process.
		 * @param database the node's database file
		 * @param now the time
		 * @return the identity
		 */
		public static Identity ofThisProcess(Path database, Instant now) {
			return new Identity(UUID.randomUUID().toString(), ManagementFactory.getRuntimeMXBean().getName(),
					database.toAbsolutePath().toString(), now);
		}

		Headers headers() {
			return new Headers().put(INSTANCE, this.instance)
				.put(PROCESS, this.process)
				.put(DATABASE, this.database)
				.put(SINCE, this.since.toString());
		}

		static @Nullable Identity from(@Nullable Headers headers) {
			if (headers == null || headers.getFirst(INSTANCE) == null) {
				return null;
			}
			Instant since;
			try {
				since = Instant.parse(String.valueOf(headers.getFirst(SINCE)));
			}
			catch (DateTimeParseException ex) {
				since = Instant.EPOCH;
			}
			return new Identity(headers.getFirst(INSTANCE), String.valueOf(headers.getFirst(PROCESS)),
					String.valueOf(headers.getFirst(DATABASE)), since);
		}

		@Override
		public String toString() {
			return "process " + this.process + ", database " + this.database + ", started " + this.since;
		}

	}

}
