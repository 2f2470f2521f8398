package io.harmonylite.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import io.harmonylite.schema.SchemaReader;

/**
 * The user's schema objects (tables' definitions, indexes, triggers, views) that a restore replaces with the
 * snapshot's: the schema hash covers tables and columns only, so a snapshot that fits may still bring another node's
 * constraints, indexes, triggers and views, which the node then says.
 */
final class ReplacedSchemaObjects {

	private ReplacedSchemaObjects() {
	}

	/**
	 * Compares the live database's schema objects with the image's.
	 * @param live a connection to the live database
	 * @param image a connection to the snapshot's image
	 * @return one line per object that differs, e.g. {@code trigger 'audit' (only in the snapshot)}; empty when none does
	 * @throws SQLException if a schema cannot be read
	 */
	static List<String> between(Connection live, Connection image) throws SQLException {
		Map<String, SchemaObject> ours = objects(live);
		Map<String, SchemaObject> theirs = objects(image);
		List<String> differences = new ArrayList<>();
		TreeSet<String> names = new TreeSet<>(ours.keySet());
		names.addAll(theirs.keySet());
		for (String name : names) {
			SchemaObject mine = ours.get(name);
			SchemaObject snapshot = theirs.get(name);
			if (mine == null) {
				differences.add(name + " (only in the snapshot)");
			}
			else if (snapshot == null) {
				// The tables this node does not replicate stay, with their indexes and triggers.
				if (mine.type.equals("view") || theirs.containsKey("table '" + mine.table + "'")) {
					differences.add(name + " (only here: dropped)");
				}
			}
			else if (!Objects.equals(mine.sql, snapshot.sql)) {
				differences.add(name + " (defined differently)");
			}
		}
		return differences;
	}

	private static Map<String, SchemaObject> objects(Connection connection) throws SQLException {
		Map<String, SchemaObject> objects = new TreeMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT type, name, tbl_name, coalesce(sql, '') FROM "
						+ "sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND lower(substr(name, 1, "
						+ SchemaReader.INTERNAL_PREFIX.length() + ")) <> '" + SchemaReader.INTERNAL_PREFIX + "'")) {
			while (rows.next()) {
				objects.put(rows.getString(1) + " '" + rows.getString(2) + "'",
						new SchemaObject(rows.getString(1), rows.getString(3), rows.getString(4)));
			}
		}
		return objects;
	}

	private record SchemaObject(String type, String table, String sql) {
	}

}
