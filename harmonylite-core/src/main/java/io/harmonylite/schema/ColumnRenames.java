package io.harmonylite.schema;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

}
