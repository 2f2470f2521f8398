package io.harmonylite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.harmonylite.schema.ColumnRenames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a change captured under an earlier layout of its table to the table's latest layout, the one the node's schema
 * hash stands for: columns renamed since take their new names, and the values of columns dropped since are left out
 * (key columns are kept). A change captured before a migration (written while the node was stopped, or by a writer
 * between the DDL and the node's next schema check) is sent with the node's hash of the time it is sent, so it must
 * carry the column names of that schema; the other nodes could not tell it from a change of that schema otherwise.
 * Each migration between the two layouts is followed in turn, as {@link ColumnRenames} tells a rename apart. A step
 * between two layouts that both removes and adds column names without being a rename (several migrations made while
 * the node was stopped are recorded as one step: a rename with a drop, a name reused) cannot be followed: such a change
 * is sent as it was captured, so that the other nodes refuse it visibly (a dead letter) rather than take a value into
 * the wrong column or lose it, and a WARN names the table and the layouts.
 * <p>
 * What a layout fits to is worked out once per layout and kept while {@code PRAGMA schema_version} stays the same
 * (a new layout is recorded with the triggers made for it, which moves the version).
 */
final class LayoutFits {

	private static final Logger logger = LoggerFactory.getLogger(LayoutFits.class);

	private final Connection connection;

	private final Map<Long, Fit> fits = new HashMap<>();

	private int schemaVersion = -1;

	LayoutFits(Connection connection) {
		this.connection = connection;
	}

	/**
	 * How a change of a layout fits the table's latest layout.
	 * @param layout the layout the change was captured with
	 * @param table the table's name now (the layout's, or the name it was renamed to)
	 * @param schemaVersion the database's {@code PRAGMA schema_version} now
	 * @return the fit
	 * @throws SQLException if the layouts cannot be read
	 */
	synchronized Fit of(CaptureLayout layout, String table, int schemaVersion) throws SQLException {
		if (schemaVersion != this.schemaVersion) {
			this.fits.clear();
			this.schemaVersion = schemaVersion;
		}
		Fit fit = this.fits.get(layout.id());
		if (fit == null) {
			fit = Fit.across(layout, CaptureLayouts.after(this.connection, table, layout.id()));
			if (fit.unfollowable() != null) {
				logger.warn("Table '{}': changes captured under its earlier columns {} are sent under those names, "
						+ "since the migrations made since cannot be followed ({}); nodes of the new schema refuse "
						+ "them as dead letters. Write those rows again after the migration, or migrate a rename in a "
						+ "step of its own next time (docs/rolling-upgrades.md)", table, layout.columns(),
						fit.unfollowable());
			}
			this.fits.put(layout.id(), fit);
		}
		return fit;
	}

	/**
	 * The names a layout's columns have in the latest layout.
	 *
	 * @param names each column's name in the latest layout; {@code null} for a column dropped since; empty when the
	 * layout is the latest, nothing changed, or the migrations since cannot be followed
	 * @param unfollowable the step that cannot be followed, {@code null} when every step can
	 */
	record Fit(Map<String, @Nullable String> names, @Nullable String unfollowable) {

		static final Fit NONE = new Fit(Map.of(), null);

		/** Follows a layout's columns through the later layouts, in order. */
		static Fit across(CaptureLayout layout, List<CaptureLayout> later) {
			List<String> columns = layout.columns();
			Map<String, @Nullable String> names = new LinkedHashMap<>();
			columns.forEach((column) -> names.put(column, column));
			for (CaptureLayout next : later) {
				Map<String, String> renames = renamesOf(columns, next.columns());
				if (renames == null) {
					return new Fit(Map.of(), "columns " + columns + " became " + next.columns());
				}
				Set<String> present = new HashSet<>(next.columns());
				names.replaceAll((original, name) -> {
					if (name == null) {
						return null;
					}
					String renamed = renames.getOrDefault(name, name);
					return present.contains(renamed) ? renamed : null;
				});
				columns = next.columns();
			}
			boolean unchanged = names.entrySet().stream().allMatch((entry) -> entry.getKey().equals(entry.getValue()));
			return unchanged ? NONE : new Fit(names, null);
		}

		/**
		 * The renames of one step, empty when it only adds or drops columns; {@code null} when it removes names and
		 * adds others without being a rename, which only several migrations recorded as one step do.
		 */
		private static @Nullable Map<String, String> renamesOf(List<String> before, List<String> after) {
			Map<String, String> renames = ColumnRenames.between(before, after);
			boolean addsOrDropsOnly = after.containsAll(before) || before.containsAll(after);
			return (!renames.isEmpty() || addsOrDropsOnly) ? renames : null;
		}

		boolean changesNothing() {
			return this.names.isEmpty();
		}

		/** The row under the latest names, without dropped columns; key columns stay, under their latest names. */
		Map<String, @Nullable Object> row(Map<String, @Nullable Object> row, List<String> primaryKey) {
			Map<String, @Nullable Object> fitted = new LinkedHashMap<>();
			row.forEach((column, value) -> {
				String name = nameOf(column, primaryKey);
				if (name != null) {
					fitted.put(name, value);
				}
			});
			return fitted;
		}

		List<String> primaryKey(List<String> primaryKey) {
			List<String> fitted = new ArrayList<>(primaryKey.size());
			for (String column : primaryKey) {
				fitted.add(nameOf(column, primaryKey));
			}
			return fitted;
		}

		@Nullable Set<String> changed(@Nullable Set<String> changed, List<String> primaryKey) {
			if (changed == null) {
				return null;
			}
			Set<String> fitted = new HashSet<>();
			for (String column : changed) {
				String name = nameOf(column, primaryKey);
				if (name != null) {
					fitted.add(name);
				}
			}
			return fitted;
		}

		private @Nullable String nameOf(String column, List<String> primaryKey) {
			String name = this.names.getOrDefault(column, column);
			return (name == null && primaryKey.contains(column)) ? column : name;
		}

	}

}
