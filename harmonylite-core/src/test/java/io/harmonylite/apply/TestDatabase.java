package io.harmonylite.apply;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.capture.ApplyMarker;
import io.harmonylite.capture.CapturedChange;
import io.harmonylite.capture.ChangeLogReader;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.conflict.LocalChangeRecorder;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;

/**
 * A database file with an "application" connection for setting up tables and reading rows back, plus builders for
 * changes.
 */
final class TestDatabase implements AutoCloseable {

	private final Path file;

	private final Connection connection;

	TestDatabase(Path directory) {
		this.file = directory.resolve("node.db");
		this.connection = SqliteConnections.open(this.file);
	}

	/**
	 * Writes locally and records the writes as the node's publisher does (change capture must be installed).
	 * @return the writes as they are published, with their final versions
	 */
	List<ChangeEvent> recordOwnWrites(long nodeId, String... statements) {
		execute(statements);
		try (LocalChangeRecorder recorder = new LocalChangeRecorder(this.connection,
				new ConflictSettings(nodeId, Duration.ofSeconds(10)), Clock.systemUTC(), new ConflictStats())) {
			recorder.recordPending();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return new ChangeLogReader(this.connection, nodeId).readAfter(0, 10)
			.stream()
			.map(CapturedChange::event)
			.toList();
	}

	/** Removes every row's version state and changes rows of {@code t} without capture, as only a merge would undo. */
	void forgetVersionsAndSetUncaptured(String assignment) {
		execute("BEGIN", "DELETE FROM __harmonylite__row_version", ApplyMarker.SET_SQL, "UPDATE t SET " + assignment,
				ApplyMarker.CLEAR_SQL, "COMMIT");
	}

	Path file() {
		return this.file;
	}

	Connection connection() {
		return this.connection;
	}

	void execute(String... statements) {
		try (Statement statement = this.connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Runs a query and returns its rows, INTEGER values as Long. */
	List<List<@Nullable Object>> query(String sql, Object... parameters) {
		try (PreparedStatement statement = this.connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			List<List<@Nullable Object>> rows = new ArrayList<>();
			try (ResultSet result = statement.executeQuery()) {
				int count = result.getMetaData().getColumnCount();
				while (result.next()) {
					List<@Nullable Object> row = new ArrayList<>();
					for (int i = 1; i <= count; i++) {
						Object value = result.getObject(i);
						row.add((value instanceof Integer number) ? Long.valueOf(number.longValue()) : value);
					}
					rows.add(row);
				}
			}
			return rows;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	long count(String quotedTable) {
		return (Long) query("SELECT count(*) FROM " + quotedTable).get(0).get(0);
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	static PositionedChange change(String stream, long sequence, String table, Operation operation,
			List<String> primaryKey, Map<String, @Nullable Object> row) {
		ChangeEvent event = new ChangeEvent(1, sequence, table, operation, row, primaryKey, 1_700_000_000_000L, "");
		return new PositionedChange(event, new StreamPosition(stream, sequence));
	}

	static PositionedChange upsert(String stream, long sequence, String table, Map<String, @Nullable Object> row) {
		return change(stream, sequence, table, Operation.INSERT, List.of(row.keySet().iterator().next()), row);
	}

}
