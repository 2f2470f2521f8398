package io.harmonylite.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.harmonylite.capture.RenamedColumnsListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the version state of renamed columns to their new names (the columns' versions and the deleted rows' ghost
 * values), so that a renamed column keeps deciding conflicts with the versions its values were written at.
 *
 * @since 0.1.0
 */
public final class VersionColumnRenames implements RenamedColumnsListener {

	private static final Logger logger = LoggerFactory.getLogger(VersionColumnRenames.class);

	@Override
	public void renamed(Connection connection, String table, Map<String, String> renames) throws SQLException {
		// The version table may not exist yet at a first start; creating it here is what the node does next anyway.
		VersionStore.install(connection);
		int moved = 0;
		try (PreparedStatement select = connection.prepareStatement("SELECT pk, vv, ghost FROM " + VersionStore.QUOTED
				+ " WHERE tbl = ?");
				PreparedStatement update = connection.prepareStatement("UPDATE " + VersionStore.QUOTED
						+ " SET vv = ?, ghost = ? WHERE tbl = ? AND pk = ?")) {
			select.setString(1, table);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					RowVersions versions = RowVersions.decode(rows.getBytes(2));
					byte[] ghostBytes = rows.getBytes(3);
					Map<String, @Nullable Object> ghost = RowState.decodeGhost(ghostBytes);
					Map<String, @Nullable Object> renamedGhost = renamedKeys(ghost, renames);
					if (versions.rename(renames) || renamedGhost != ghost) {
						update.setBytes(1, versions.encode());
						update.setBytes(2, (renamedGhost != ghost) ? RowState.encodeGhost(renamedGhost) : ghostBytes);
						update.setString(3, table);
						update.setBytes(4, rows.getBytes(1));
						update.addBatch();
						moved++;
					}
				}
			}
			if (moved > 0) {
				update.executeBatch();
			}
		}
		logger.debug("Table '{}': versions of {} row(s) moved to the renamed columns {}", table, moved, renames);
	}

	private static @Nullable Map<String, @Nullable Object> renamedKeys(@Nullable Map<String, @Nullable Object> values,
			Map<String, String> renames) {
		if (values == null || renames.keySet().stream().noneMatch(values::containsKey)) {
			return values;
		}
		Map<String, @Nullable Object> renamed = new LinkedHashMap<>();
		values.forEach((column, value) -> renamed.put(renames.getOrDefault(column, column), value));
		return renamed;
	}

}
