package io.harmonylite.capture;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LayoutFits.Fit}: a change of an earlier layout under the latest layout's columns.
 */
class LayoutFitsTests {

	private static final List<String> KEY = List.of("id");

	@Test
	void latestLayoutShouldChangeNothing() {
		assertThat(LayoutFits.Fit.across(layout(1, "id", "a"), List.of()).changesNothing()).isTrue();
		assertThat(LayoutFits.Fit.across(layout(1, "id", "a"), List.of(layout(2, "id", "a", "b"))).changesNothing())
			.as("a column added since: the change fits as it is").isTrue();
	}

	@Test
	void renamedColumnShouldTakeItsNewNameAndDroppedOneBeLeftOut() {
		LayoutFits.Fit renamed = LayoutFits.Fit.across(layout(1, "id", "a", "b"), List.of(layout(2, "id", "a", "c")));
		assertThat(renamed.row(row("id", 1, "a", "x", "b", "y"), KEY)).containsExactly(Map.entry("id", 1),
				Map.entry("a", "x"), Map.entry("c", "y"));
		assertThat(renamed.changed(Set.of("b"), KEY)).containsExactly("c");

		LayoutFits.Fit dropped = LayoutFits.Fit.across(layout(1, "id", "a", "b"), List.of(layout(2, "id", "a")));
		assertThat(dropped.row(row("id", 1, "a", "x", "b", "y"), KEY)).containsOnlyKeys("id", "a");
		assertThat(dropped.changed(Set.of("a", "b"), KEY)).containsExactly("a");
	}

	@Test
	void everyMigrationSinceShouldBeFollowedInTurn() {
		// b renamed to c, then a column added, then c renamed to d, then a dropped.
		LayoutFits.Fit fit = LayoutFits.Fit.across(layout(1, "id", "a", "b"),
				List.of(layout(2, "id", "a", "c"), layout(3, "id", "a", "c", "e"), layout(4, "id", "a", "d", "e"),
						layout(5, "id", "d", "e")));

		assertThat(fit.row(row("id", 1, "a", "x", "b", "y"), KEY)).containsExactly(Map.entry("id", 1),
				Map.entry("d", "y"));
	}

	@Test
	void renamedKeyColumnShouldTakeItsNewNameAndAKeyColumnNeverBeLeftOut() {
		LayoutFits.Fit renamedKey = LayoutFits.Fit.across(layout(1, "id", "a"), List.of(layout(2, "key", "a")));
		assertThat(renamedKey.primaryKey(KEY)).containsExactly("key");
		assertThat(renamedKey.row(row("id", 1, "a", "x"), KEY)).containsOnlyKeys("key", "a");

		LayoutFits.Fit keyGone = LayoutFits.Fit.across(layout(1, "id", "a"), List.of(layout(2, "a")));
		assertThat(keyGone.row(row("id", 1, "a", "x"), KEY)).as("still refused by the receiver, not made keyless")
			.containsOnlyKeys("id", "a");
	}

	@Test
	void migrationsRecordedAsOneStepThatCannotBeToldApartShouldLeaveTheChangeAsItWasCaptured() {
		// email renamed to contact and legacy dropped, both while the node was stopped: which one was renamed?
		LayoutFits.Fit renamedAndDropped = LayoutFits.Fit.across(layout(1, "id", "email", "legacy"),
				List.of(layout(2, "id", "contact")));
		assertThat(renamedAndDropped.changesNothing()).as("sent as captured, refused visibly").isTrue();
		assertThat(renamedAndDropped.unfollowable()).contains("[id, email, legacy]", "[id, contact]");

		// name renamed to full_name, then nick renamed to name: name's value must not land in the new name.
		LayoutFits.Fit reused = LayoutFits.Fit.across(layout(1, "id", "name", "nick"),
				List.of(layout(2, "id", "full_name", "name")));
		assertThat(reused.changesNothing()).isTrue();
		assertThat(reused.unfollowable()).isNotNull();

		LayoutFits.Fit followable = LayoutFits.Fit.across(layout(1, "id", "email", "legacy"),
				List.of(layout(2, "id", "contact", "legacy"), layout(3, "id", "contact")));
		assertThat(followable.unfollowable()).isNull();
		assertThat(followable.row(row("id", 1, "email", "x", "legacy", 0), KEY)).containsExactly(Map.entry("id", 1),
				Map.entry("contact", "x"));
	}

	private static CaptureLayout layout(long id, String... columns) {
		return new CaptureLayout(id, "t", Arrays.asList(columns), List.of(columns[0]));
	}

	private static Map<String, @Nullable Object> row(Object... namesAndValues) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			row.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return row;
	}

}
