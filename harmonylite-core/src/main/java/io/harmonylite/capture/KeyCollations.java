package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The collations other than {@code BINARY} that a table's primary key compares its columns with. Under such a
 * collation SQLite takes keys of different bytes ({@code 'abc'} and {@code 'ABC'} under {@code NOCASE}) for the same row,
 * while replication identifies rows by their key's values: such a table cannot be replicated, neither captured nor
 * written by changes of other nodes.
 *
 * @since 0.1.0
 */
public final class KeyCollations {

	private KeyCollations() {
	}

	/**
	 * Reads them from the table's primary-key index (an {@code INTEGER PRIMARY KEY} has none, and needs none).
	 * @param connection a connection to the database
	 * @param table the table
	 * @return {@code "COLLATE NOCASE on column 'k'"} and the like, empty when every key column is compared by its bytes
	 * @throws SQLException if the schema cannot be read
	 */
	public static List<String> of(Connection connection, String table) throws SQLException {
		List<String> collated = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT x.name, x.coll FROM pragma_index_list(?) "
				+ "AS i, pragma_index_xinfo(i.name) AS x WHERE i.origin = 'pk' AND x.key = 1 AND x.name IS NOT NULL "
				+ "AND x.coll IS NOT 'BINARY' ORDER BY x.seqno")) {
			statement.setString(1, table);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					collated.add("COLLATE " + rows.getString(2) + " on column '" + rows.getString(1) + "'");
				}
			}
		}
		return collated;
	}

}
