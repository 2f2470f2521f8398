package io.harmonylite.schema;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The columns a migration renamed in one table, told from the table's columns before and after it. SQLite's
 * {@code ALTER TABLE ... RENAME COLUMN} keeps a column in its place, so a rename shows as the same number of columns
 * where, at every place whose name changed, the old name is gone and the new one did not exist, and at least one
 * column kept its name. A migration that drops a column and adds another in its place cannot be told from a rename
 * and is taken for one.
 *
 * @since 0.1.0
 */
public final class ColumnRenames {

	private ColumnRenames() {
	}

	/**
	 * The renames between two column lists.
	 * @param before the columns before, in table order
	 * @param after the columns after, in table order
	 * @return old name to new name, in table order; empty when the lists are equal or differ otherwise than by renames
	 */
	public static Map<String, String> between(List<String> before, List<String> after) {
		if (before.size() != after.size()) {
			return Map.of();
		}
		Set<String> oldNames = new HashSet<>(before);
		Set<String> newNames = new HashSet<>(after);
		Map<String, String> renames = new LinkedHashMap<>();
		for (int i = 0; i < before.size(); i++) {
			String old = before.get(i);
			String renamed = after.get(i);
			if (old.equals(renamed)) {
				continue;
			}
			if (newNames.contains(old) || oldNames.contains(renamed)) {
				return Map.of();
			}
			renames.put(old, renamed);
		}
		return (renames.size() < before.size()) ? renames : Map.of();
	}

	/**
	 * The renames between two versions of a table, whose renamed columns also keep their declared type, NOT NULL and
	 * place in the primary key.
	 * @param before the table before
	 * @param after the table after
	 * @return old name to new name; empty when nothing was renamed or the table changed otherwise
	 */
	public static Map<String, String> between(TableSchema before, TableSchema after) {
		Map<String, String> renames = between(before.columnNames(), after.columnNames());
		for (int i = 0; i < before.columns().size() && !renames.isEmpty(); i++) {
			ColumnSchema old = before.columns().get(i);
			ColumnSchema renamed = after.columns().get(i);
			if (!old.name().equals(renamed.name()) && (!Objects.equals(old.declaredType(), renamed.declaredType())
					|| old.notNull() != renamed.notNull() || old.primaryKeyIndex() != renamed.primaryKeyIndex())) {
				return Map.of();
			}
		}
		return renames;
	}

}
