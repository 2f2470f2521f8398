package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.harmonylite.sqlite.SqlIdentifiers;

/**
 * Reads and writes rows of the layout table.
 */
final class CaptureLayouts {

	private static final String TABLE = SqlIdentifiers.quote(ChangeCapture.LAYOUT_TABLE);

	private CaptureLayouts() {
	}

	static Optional<CaptureLayout> latest(Connection connection, String table) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT id, tbl, columns, primary_key FROM " + TABLE + " WHERE tbl = ? ORDER BY id DESC LIMIT 1")) {
			statement.setString(1, table);
			return single(statement);
		}
	}

	/** The layouts a table had after the given one, oldest first. */
	static List<CaptureLayout> after(Connection connection, String table, long id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT id, tbl, columns, primary_key FROM " + TABLE + " WHERE tbl = ? AND id > ? ORDER BY id")) {
			statement.setString(1, table);
			statement.setLong(2, id);
			List<CaptureLayout> layouts = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					layouts.add(layout(rows));
				}
			}
			return layouts;
		}
	}

	static Optional<CaptureLayout> find(Connection connection, long id) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT id, tbl, columns, primary_key FROM " + TABLE + " WHERE id = ?")) {
			statement.setLong(1, id);
			return single(statement);
		}
	}

	static CaptureLayout insert(Connection connection, String table, List<String> columns, List<String> primaryKey,
			long createdAtMillis) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + TABLE
				+ " (tbl, columns, primary_key, created_at) VALUES (?, ?, ?, ?) RETURNING id")) {
			statement.setString(1, table);
			statement.setString(2, ColumnList.encode(columns));
			statement.setString(3, ColumnList.encode(primaryKey));
			statement.setLong(4, createdAtMillis);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return new CaptureLayout(rows.getLong(1), table, columns, primaryKey);
			}
		}
	}

	private static Optional<CaptureLayout> single(PreparedStatement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery()) {
			if (!rows.next()) {
				return Optional.empty();
			}
			return Optional.of(layout(rows));
		}
	}

	private static CaptureLayout layout(ResultSet rows) throws SQLException {
		return new CaptureLayout(rows.getLong(1), rows.getString(2), ColumnList.decode(rows.getString(3)),
				ColumnList.decode(rows.getString(4)));
	}

}
