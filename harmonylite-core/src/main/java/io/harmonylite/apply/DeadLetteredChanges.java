package io.harmonylite.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEventCodec;
import io.harmonylite.event.MalformedEventException;
import io.harmonylite.schema.SchemaReader;
import io.harmonylite.sqlite.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * The changes meant for this node's tables that it dead-lettered: SQLite here refused them (a constraint or trigger
 * of this node), they did not fit this node's schema, or an operator skipped them. Other nodes may hold them, so this
 * node lacks them until their letters are re-applied here, or until an operator accepts the loss by deleting their
 * rows from this table. What no node holds is not recorded: junk (an undecodable message, a schema hash no node runs)
 * and changes published by hand, without the message id a node's publisher gives each message (see
 * {@link MessageOrigin}), which are no node's writes.
 * <p>
 * The table is node-local (a snapshot does not carry it), and it outlives restarts, unlike the node's counters.
 *
 * @since 0.1.0
 */
public final class DeadLetteredChanges {

	/** The table's name. */
	public static final String TABLE = SchemaReader.INTERNAL_PREFIX + "dead_lettered";

	private static final String QUOTED = SqlIdentifiers.quote(TABLE);

	private DeadLetteredChanges() {
	}

	/**
	 * Creates the table when missing.
	 * @param connection a connection to the database, in auto-commit mode or in a write transaction
	 * @throws SQLException if it cannot be created
	 */
	static void create(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			// A letter of several tables (a message of a transaction that wrote them) has a row for each.
			statement.execute("CREATE TABLE IF NOT EXISTS " + QUOTED + " (letter INTEGER NOT NULL, stream TEXT NOT "
					+ "NULL, sequence INTEGER NOT NULL, tbl TEXT NOT NULL, changes INTEGER NOT NULL, reason TEXT NOT "
					+ "NULL, at INTEGER NOT NULL, PRIMARY KEY (letter, tbl))");
		}
	}

	/**
	 * Records a dead letter; a letter recorded before is recorded again (a redelivered message makes the same letter).
	 * @param connection the apply connection
	 * @param letter what was dead-lettered
	 * @param atMillis when
	 * @throws SQLException if it cannot be written
	 */
	static void record(Connection connection, Letter letter, long atMillis) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("INSERT OR REPLACE INTO " + QUOTED
				+ " (letter, stream, sequence, tbl, changes, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
			for (Map.Entry<String, Integer> table : letter.changesByTable().entrySet()) {
				insert.setLong(1, letter.sequence());
				insert.setString(2, letter.origin().stream());
				insert.setLong(3, letter.origin().sequence());
				insert.setString(4, table.getKey());
				insert.setInt(5, table.getValue());
				insert.setString(6, letter.reason());
				insert.setLong(7, atMillis);
				insert.executeUpdate();
			}
		}
	}

	/**
	 * Forgets a letter that was re-applied here.
	 * @param connection the apply connection
	 * @param sequence the letter's sequence in the dead-letter stream
	 * @throws SQLException if it cannot be deleted
	 */
	static void forget(Connection connection, long sequence) throws SQLException {
		try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + QUOTED + " WHERE letter = ?")) {
			delete.setLong(1, sequence);
			delete.executeUpdate();
		}
	}

	/**
	 * The dead letters this node lacks, by table.
	 * @param connection a connection to the database
	 * @return table to its letters; empty when none (also when the table does not exist yet)
	 * @throws HarmonyLiteException if the table cannot be read
	 */
	public static Map<String, Lacking> byTable(Connection connection) {
		Map<String, Lacking> lacking = new TreeMap<>();
		try (Statement statement = connection.createStatement()) {
			try (ResultSet exists = statement.executeQuery(
					"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + TABLE + "'")) {
				if (!exists.next()) {
					return Map.of();
				}
			}
			// The oldest letter of each table gives the time and reason (SQLite's bare columns of min()).
			try (ResultSet rows = statement.executeQuery("SELECT tbl, count(*), sum(changes), min(at), reason FROM "
					+ QUOTED + " GROUP BY tbl")) {
				while (rows.next()) {
					lacking.put(rows.getString(1), new Lacking(rows.getLong(2), rows.getLong(3),
							Instant.ofEpochMilli(rows.getLong(4)), rows.getString(5)));
				}
			}
		}
		catch (SQLException ex) {
			throw new HarmonyLiteException("Could not read " + TABLE + ": " + ex.getMessage(), ex);
		}
		return Collections.unmodifiableMap(lacking);
	}

	/**
	 * Why a database that lacks dead-lettered changes makes no snapshot.
	 * @param lacking the dead letters it lacks, by table
	 * @return the reason, naming the tables
	 */
	public static String describe(Map<String, Lacking> lacking) {
		return "it lacks " + lacking.values().stream().mapToLong(Lacking::changes).sum() + " change(s) it dead-lettered"
				+ " (table(s) " + String.join(", ", lacking.keySet()) + "), which a copy would miss while its positions "
				+ "say it holds them: re-apply them or accept their loss first (CHANGES_DEAD_LETTERED)";
	}

	/**
	 * Whether a message was sent by a node's publisher, which names the node, its capture epoch and the changes in the
	 * message id (of a change split into chunks: in their change key): that node holds the message's changes.
	 * @param message the message
	 * @return {@code true} when it carries such an id
	 */
	static boolean fromANode(ReceivedMessage message) {
		return message.origin() != null;
	}

	/**
	 * A dead letter of changes meant for this node's tables.
	 *
	 * @param sequence its sequence in the dead-letter stream
	 * @param origin the stream and sequence of the message it came from
	 * @param changesByTable how many changes it carries, by table
	 * @param reason why it was dead-lettered
	 */
	public record Letter(long sequence, StreamPosition origin, Map<String, Integer> changesByTable, String reason) {

		/**
		 * The letter of one change.
		 * @param sequence its sequence in the dead-letter stream
		 * @param origin the stream and sequence of the message it came from
		 * @param table the change's table
		 * @param reason why it was dead-lettered
		 * @return the letter
		 */
		public static Letter ofOneChange(long sequence, StreamPosition origin, String table, String reason) {
			return new Letter(sequence, origin, Map.of(table, 1), reason);
		}

		/**
		 * The letter of a whole message.
		 * @param sequence its sequence in the dead-letter stream
		 * @param message the message
		 * @param codec decodes it
		 * @param reason why it was dead-lettered
		 * @return the letter, {@code null} when no node holds the message's changes: it cannot be decoded, or it was
		 * published by hand
		 */
		public static @Nullable Letter of(long sequence, ReceivedMessage message, ChangeEventCodec codec,
				String reason) {
			if (!fromANode(message)) {
				return null;
			}
			try {
				Map<String, Integer> tables = new TreeMap<>();
				codec.decodeAll(message.payload()).forEach((event) -> tables.merge(event.table(), 1, Integer::sum));
				return new Letter(sequence, message.position(), tables, reason);
			}
			catch (MalformedEventException ex) {
				return null;
			}
		}

	}

	/**
	 * What a table lacks.
	 *
	 * @param letters how many of its dead letters were neither re-applied nor given up
	 * @param changes how many changes they carry
	 * @param since when the oldest of them was dead-lettered
	 * @param firstReason why the oldest was
	 */
	public record Lacking(long letters, long changes, Instant since, String firstReason) {
	}

}
