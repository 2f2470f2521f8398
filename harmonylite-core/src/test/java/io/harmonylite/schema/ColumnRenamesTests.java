package io.harmonylite.schema;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ColumnRenames}: a column that kept its place under a new name is a rename; any other difference is not.
 */
class ColumnRenamesTests {

	@Test
	void columnsThatKeptTheirPlaceUnderNewNamesShouldBeRenames() {
		assertThat(ColumnRenames.between(List.of("id", "name", "email"), List.of("id", "name", "mail")))
			.containsExactly(Map.entry("email", "mail"));
		assertThat(ColumnRenames.between(List.of("id", "a", "b"), List.of("key", "a", "c")))
			.containsExactly(Map.entry("id", "key"), Map.entry("b", "c"));
	}

	@Test
	void addedDroppedMovedOrSwappedColumnsShouldNotBeRenames() {
		assertThat(ColumnRenames.between(List.of("id", "name"), List.of("id", "name", "mail"))).isEmpty();
		assertThat(ColumnRenames.between(List.of("id", "email", "name"), List.of("id", "name", "mail"))).isEmpty();
		assertThat(ColumnRenames.between(List.of("id", "a", "b"), List.of("id", "b", "a"))).isEmpty();
		assertThat(ColumnRenames.between(List.of("id", "a"), List.of("id", "a"))).isEmpty();
		assertThat(ColumnRenames.between(List.of("a", "b"), List.of("c", "d"))).as("nothing kept its name").isEmpty();
	}

}
