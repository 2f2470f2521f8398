package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.harmonylite.capture.RecordedRows;
import org.jspecify.annotations.Nullable;

/**
 * The rows this node holds live version state for (not deleted), from its version table: what a table captured anew
 * under a name it had must not send again.
 *
 * @since 0.1.0
 */
public final class LiveRowVersions implements RecordedRows {

	@Override
	public Lookup of(Connection connection, String table) throws SQLException {
		// The version table may not exist yet at a first start; creating it here is what the node does next anyway.
		VersionStore.install(connection);
		PreparedStatement select = connection
			.prepareStatement("SELECT 1 FROM " + VersionStore.QUOTED + " WHERE tbl = ? AND pk = ? AND tombstone IS NULL");
		return new Lookup() {

			@Override
			public boolean known(List<@Nullable Object> key) throws SQLException {
				select.setString(1, table);
				select.setBytes(2, RowKey.of(table, key).key());
				try (ResultSet rows = select.executeQuery()) {
					return rows.next();
				}
			}

			@Override
			public void close() throws SQLException {
				select.close();
			}

		};
	}

}
