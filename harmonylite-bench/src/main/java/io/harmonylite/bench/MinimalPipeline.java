package io.harmonylite.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.harmonylite.sqlite.SqliteConnections;
import io.nats.client.Connection.Status;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.OrderedConsumerConfiguration;

/**
 * The least a replication of SQLite over JetStream needs, as a yardstick for HarmonyLite in the same run: a trigger
 * that logs every insert of {@code books} in a log table, a publisher thread woken by the writer that reads the log,
 * publishes up to 256 rows a message with jnats' async publish and deletes what was acknowledged, and per receiving
 * node an ordered consumer whose messages are applied in batches of upserts, one transaction per batch. No versions,
 * no schema checks, no positions, no recovery: what remains is the cost of the parts themselves.
 */
final class MinimalPipeline implements AutoCloseable {

	private static final int ROWS_PER_MESSAGE = 256;

	// AUTOINCREMENT: published rows are deleted, and ids must not start again at 1 when the log is empty.
	private static final String LOG_DDL = "CREATE TABLE IF NOT EXISTS book_log (id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER, "
			+ "title TEXT, author TEXT, year INTEGER)";

	private static final String TRIGGER_DDL = "CREATE TRIGGER IF NOT EXISTS book_log_insert AFTER INSERT ON books BEGIN "
			+ "INSERT INTO book_log (book_id, title, author, year) VALUES (NEW.id, NEW.title, NEW.author, NEW.year); END";

	private final io.nats.client.Connection publisherConnection;

	private final List<io.nats.client.Connection> receiverConnections = new ArrayList<>();

	private final List<MessageConsumer> consumers = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final Semaphore wake = new Semaphore(0);

	private final Connection log;

	private final String subject;

	private volatile boolean running = true;

	/**
	 * Starts the publisher on the source database and one receiver per target database.
	 * @param source the writer's database, with table {@code books}; the trigger and log table are added
	 * @param targets the receiving nodes' databases, with table {@code books}
	 * @param sourceUrl the server the publisher connects to
	 * @param targetUrls the server each receiver connects to
	 * @param stream the stream to create (it must not exist)
	 * @param replicas the stream's replicas
	 * @param onApplied called on the first receiver's thread with each applied book id, right after its commit
	 */
	MinimalPipeline(Path source, List<Path> targets, String sourceUrl, List<String> targetUrls, String stream,
			int replicas, LongConsumer onApplied) throws Exception {
		this.subject = stream + "-subject";
		this.log = SqliteConnections.open(source);
		try (Statement statement = this.log.createStatement()) {
			statement.execute(LOG_DDL);
			statement.execute(TRIGGER_DDL);
		}
		this.publisherConnection = Nats.connect(sourceUrl);
		JetStreamManagement management = this.publisherConnection.jetStreamManagement();
		management.addStream(StreamConfiguration.builder()
			.name(stream)
			.subjects(this.subject)
			.storageType(StorageType.File)
			.replicas(replicas)
			.build());
		for (int i = 0; i < targets.size(); i++) {
			io.nats.client.Connection connection = Nats.connect(targetUrls.get(i));
			this.receiverConnections.add(connection);
			BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
			this.consumers.add(connection.jetStream()
				.getStreamContext(stream)
				.createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(this.subject))
				.consume(queue::add));
			LongConsumer listener = (i == 0) ? onApplied : (id) -> {
			};
			Path target = targets.get(i);
			start("minimal-receiver-" + i, () -> receive(target, queue, listener));
		}
		JetStream jetStream = this.publisherConnection.jetStream();
		start("minimal-publisher", () -> publish(jetStream));
	}

	/**
	 * The book ids a message of this pipeline carries.
	 * @param message the message's data
	 * @return the ids
	 */
	static long[] ids(byte[] message) {
		try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(message))) {
			long[] ids = new long[in.readInt()];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = in.readLong();
				in.readUTF();
				in.readUTF();
				in.readLong();
			}
			return ids;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Wakes the publisher: call after a commit on the source, as an application calls the engine. */
	void committed() {
		this.wake.release();
	}

	private void start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void publish(JetStream jetStream) {
		try (PreparedStatement read = this.log.prepareStatement(
				"SELECT id, book_id, title, author, year FROM book_log WHERE id > ? ORDER BY id LIMIT 10000");
				PreparedStatement delete = this.log.prepareStatement("DELETE FROM book_log WHERE id <= ?")) {
			long cursor = 0;
			while (this.running) {
				this.wake.tryAcquire(50, TimeUnit.MILLISECONDS);
				this.wake.drainPermits();
				while (this.running) {
					List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
					long last = cursor;
					read.setLong(1, cursor);
					try (ResultSet rows = read.executeQuery()) {
						Encoder message = new Encoder();
						while (rows.next()) {
							last = rows.getLong(1);
							message.add(rows.getLong(2), rows.getString(3), rows.getString(4), rows.getLong(5));
							if (message.count == ROWS_PER_MESSAGE) {
								acks.add(jetStream.publishAsync(this.subject, message.bytes()));
								message = new Encoder();
							}
						}
						if (message.count > 0) {
							acks.add(jetStream.publishAsync(this.subject, message.bytes()));
						}
					}
					if (acks.isEmpty()) {
						break;
					}
					for (CompletableFuture<PublishAck> ack : acks) {
						ack.get(30, TimeUnit.SECONDS);
					}
					delete.setLong(1, last);
					delete.executeUpdate();
					cursor = last;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			if (this.running) {
				throw new IllegalStateException("The minimal pipeline's publisher failed", ex);
			}
		}
	}

	private void receive(Path target, BlockingQueue<Message> queue, LongConsumer onApplied) {
		try (Connection connection = SqliteConnections.open(target);
				PreparedStatement upsert = connection.prepareStatement("INSERT INTO books (id, title, author, year) "
						+ "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
						+ "author = excluded.author, year = excluded.year");
				Statement statement = connection.createStatement()) {
			List<Message> batch = new ArrayList<>();
			List<Long> ids = new ArrayList<>();
			while (this.running) {
				Message first = queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, 999);
				statement.execute("BEGIN IMMEDIATE");
				for (Message message : batch) {
					try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(message.getData()))) {
						int count = in.readInt();
						for (int i = 0; i < count; i++) {
							long id = in.readLong();
							upsert.setLong(1, id);
							upsert.setString(2, in.readUTF());
							upsert.setString(3, in.readUTF());
							upsert.setLong(4, in.readLong());
							upsert.addBatch();
							ids.add(id);
						}
					}
				}
				upsert.executeBatch();
				statement.execute("COMMIT");
				ids.forEach(onApplied::accept);
				batch.clear();
				ids.clear();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (SQLException | IOException ex) {
			if (this.running) {
				throw new IllegalStateException("A receiver of the minimal pipeline failed", ex);
			}
		}
	}

	@Override
	public void close() throws Exception {
		this.running = false;
		this.wake.release();
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(5).toMillis());
		}
		for (MessageConsumer consumer : this.consumers) {
			consumer.close();
		}
		for (io.nats.client.Connection connection : this.receiverConnections) {
			connection.close();
		}
		if (this.publisherConnection.getStatus() == Status.CONNECTED) {
			this.publisherConnection.close();
		}
		this.log.close();
	}

	/** Rows of one message: a count, then per row its id, title, author and year. */
	private static final class Encoder {

		private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		private final DataOutputStream out = new DataOutputStream(this.buffer);

		private int count;

		void add(long id, String title, String author, long year) {
			try {
				this.out.writeLong(id);
				this.out.writeUTF(title);
				this.out.writeUTF(author);
				this.out.writeLong(year);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.count++;
		}

		byte[] bytes() {
			byte[] rows = this.buffer.toByteArray();
			byte[] message = new byte[4 + rows.length];
			message[0] = (byte) (this.count >>> 24);
			message[1] = (byte) (this.count >>> 16);
			message[2] = (byte) (this.count >>> 8);
			message[3] = (byte) this.count;
			System.arraycopy(rows, 0, message, 4, rows.length);
			return message;
		}

	}

}
