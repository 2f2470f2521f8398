package io.harmonylite.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.conflict.ConflictSettings;
import io.harmonylite.conflict.ConflictStats;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.schema.SchemaGate;
import io.harmonylite.sqlite.SqliteConnections;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GatedChanges}: outside the apply loop (dead letters re-applied, blocked messages shown), a change whose schema
 * hash the node does not accept is refused, unless the cluster left that hash.
 */
class GatedChangesTests {

	@TempDir
	Path dir;

	@Test
	void changeWithAHashTheClusterLeftShouldPassAndAnyOtherMismatchShouldBeRefused() throws Exception {
		TestDatabase db = new TestDatabase(this.dir.resolve("node.db"));
		db.execute("CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT)");
		SchemaGate gate = new SchemaGate(1, "own", "previous");
		StreamPosition position = new StreamPosition("changes-0", 7);
		try (ChangeApplier applier = new ChangeApplier(SqliteConnections.open(db.path()), Clock.systemUTC(),
				ConflictSettings.applyOnly(), new ConflictStats(), List.of(), List.of())) {
			List<ChangeEvent> left = List.of(insert("left"));
			List<ChangeEvent> upgrading = List.of(insert("upgrading"));

			assertThat(GatedChanges.of(left, position, gate, applier, "left"::equals).changes()).singleElement()
				.satisfies((change) -> assertThat(change.event()).isEqualTo(left.get(0)));
			GatedChanges refused = GatedChanges.of(upgrading, position, gate, applier, "left"::equals);
			assertThat(refused.changes()).isEmpty();
			assertThat(refused.problem()).contains("neither this node's current");
		}
	}

	private static ChangeEvent insert(String schemaHash) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("title", "Dune");
		return new ChangeEvent(2, 1, "Books", Operation.INSERT, row, List.of("id"), 0, schemaHash);
	}

}
