package io.harmonylite.conflict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.harmonylite.conflict.MergeRule.Merge;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.event.Operation;
import io.harmonylite.event.Version;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merge rule on one row, without SQLite: a replica is the row in its table plus its state, and every change is
 * merged the way the applier does. The races of Corrosion's delete bugs, both ways, and the join's properties over
 * random orders.
 */
class MergeRuleTests {

	private static final List<String> COLUMNS = List.of("id", "a", "b");

	@Test
	void laterWriteShouldWinWhateverTheOrder() {
		ChangeEvent older = update(100, 1, "a", "old");
		ChangeEvent newer = update(200, 2, "a", "new");
		assertThat(replica(older, newer).row()).containsEntry("a", "new");
		assertThat(replica(newer, older).row()).containsEntry("a", "new");
	}

	@Test
	void concurrentEditsOfDifferentColumnsShouldBothSurvive() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent editA = update(200, 1, "a", "a1");
		ChangeEvent editB = update(201, 2, "b", "b1");
		for (List<ChangeEvent> order : List.of(List.of(insert, editA, editB), List.of(editB, insert, editA),
				List.of(editA, editB, insert))) {
			assertThat(replica(order).row()).as("order %s", order).containsEntry("a", "a1").containsEntry("b", "b1");
		}
	}

	@Test
	void equalClockValuesShouldBeOrderedByNode() {
		assertThat(replica(update(100, 1, "a", "one"), update(100, 2, "a", "two")).row()).containsEntry("a", "two");
		assertThat(replica(update(100, 2, "a", "two"), update(100, 1, "a", "one")).row()).containsEntry("a", "two");
	}

	@Test
	void deleteNewerThanAnUpdateShouldWinBothWays() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent update = update(200, 2, "a", "a1");
		ChangeEvent delete = delete(300, 1, "a0", "b0");
		assertThat(replica(insert, update, delete).row()).isNull();
		assertThat(replica(insert, delete, update).row()).as("an older update arriving after the delete").isNull();
	}

	@Test
	void updateNewerThanADeleteShouldResurrectTheRowWithTheGhostsValuesInTheOtherColumns() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent editB = update(150, 1, "b", "b1");
		ChangeEvent delete = delete(200, 1, "a0", "b1");
		// Node 2 had not seen the edit of b when it updated a: its message carries b = b0 at ZERO.
		ChangeEvent update = new ChangeEvent(2, 1, "t", Operation.UPDATE, row(1L, "a2", "b0"), List.of("id"), 0, "",
				300, Set.of("a"));
		for (List<ChangeEvent> order : permutations(List.of(insert, editB, delete, update))) {
			assertThat(replica(order).row()).as("order %s", order).containsEntry("a", "a2").containsEntry("b", "b1");
		}
	}

	@Test
	void twoDeletesShouldConvergeOnTheSameTombstoneAndGhostWhateverTheOrder() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent deleteOnOne = delete(200, 1, "a0", "b0");
		ChangeEvent deleteOnTwo = delete(200, 2, "a0", "b0");
		Replica first = replica(insert, deleteOnOne, deleteOnTwo);
		Replica second = replica(deleteOnTwo, insert, deleteOnOne);
		assertThat(first.row()).isNull();
		assertThat(second.row()).isNull();
		assertThat(first.state().versions().tombstone()).isEqualTo(new Version(200, 2))
			.isEqualTo(second.state().versions().tombstone());
		// A third node that only heard of one delete and the insert ends the same once it hears of the other.
		assertThat(replica(insert, deleteOnTwo).state().versions().encode())
			.isEqualTo(first.state().versions().encode());
		// An update between the two deletes' versions loses to both.
		assertThat(replica(insert, deleteOnOne, update(150, 3, "a", "a1"), deleteOnTwo).row()).isNull();
	}

	@Test
	void insertAfterADeleteShouldBringTheKeyBackAndAnOlderUpdateShouldNotChangeIt() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent delete = delete(200, 1, "a0", "b0");
		ChangeEvent reinsert = insert(300, 2, "a3", "b3");
		ChangeEvent concurrentUpdate = update(250, 3, "a", "a2");
		for (List<ChangeEvent> order : permutations(List.of(insert, delete, reinsert, concurrentUpdate))) {
			assertThat(replica(order).row()).as("order %s", order).isEqualTo(row(1L, "a3", "b3"));
		}
	}

	@Test
	void sameChangeTwiceShouldBeSupersededTheSecondTime() {
		ChangeEvent insert = insert(100, 1, "a0", "b0");
		ChangeEvent update = update(200, 2, "a", "a1");
		Replica replica = replica(insert, update);
		assertThat(replica.apply(update).superseded()).isTrue();
		assertThat(replica.apply(insert).superseded()).isTrue();
		ChangeEvent delete = delete(300, 1, "a1", "b0");
		replica.apply(delete);
		assertThat(replica.apply(delete).superseded()).isTrue();
		assertThat(replica.apply(update).superseded()).as("an older update of a deleted row merges nothing new")
			.isTrue();
	}

	@Test
	void rowWithoutStateShouldHoldItsValuesAtZero() {
		Replica replica = new Replica();
		replica.row = row(1L, "local", "b0");
		replica.apply(update(100, 2, "b", "b1"));
		assertThat(replica.row()).isEqualTo(row(1L, "local", "b1"));
		replica.apply(delete(50, 3, "x", "y"));
		assertThat(replica.row()).as("a delete older than the row's newest write").isEqualTo(row(1L, "local", "b1"));
		replica.apply(delete(150, 3, "local", "b1"));
		assertThat(replica.row()).isNull();
		assertThat(replica.state().ghost()).isEqualTo(row(1L, "local", "b1"));
	}

	@Test
	void anyOrderAndRedeliveryOfRandomChangesShouldEndInTheSameReplica() {
		Random random = new Random(12);
		for (int round = 0; round < 2000; round++) {
			List<ChangeEvent> changes = randomChanges(random, 2 + random.nextInt(6));
			Replica reference = replica(changes);
			for (int shuffle = 0; shuffle < 10; shuffle++) {
				List<ChangeEvent> order = new ArrayList<>(changes);
				Collections.shuffle(order, random);
				order.add(order.get(random.nextInt(order.size())));
				Replica other = replica(order);
				assertThat(other.row()).as("round %d, %s vs %s", round, changes, order).isEqualTo(reference.row());
				assertThat(other.state().deleted()).isEqualTo(reference.state().deleted());
			}
		}
	}

	private static List<ChangeEvent> randomChanges(Random random, int count) {
		List<ChangeEvent> changes = new ArrayList<>();
		Set<Version> used = new java.util.HashSet<>();
		for (int i = 0; i < count; i++) {
			long hlc;
			long node;
			// One version is one change: clock values repeat across nodes only.
			do {
				hlc = 100 + random.nextInt(5) * 10;
				node = 1 + random.nextInt(3);
			}
			while (!used.add(new Version(hlc, node)));
			String a = "a" + random.nextInt(3);
			String b = "b" + random.nextInt(3);
			changes.add(switch (random.nextInt(4)) {
				case 0 -> insert(hlc, node, a, b);
				case 1 -> delete(hlc, node, a, b);
				case 2 -> update(hlc, node, "a", a);
				default -> new ChangeEvent(node, i, "t", Operation.UPDATE, row(1L, a, b), List.of("id"), 0, "", hlc,
						Set.of("b"));
			});
		}
		return changes;
	}

	private static List<List<ChangeEvent>> permutations(List<ChangeEvent> changes) {
		if (changes.size() <= 1) {
			return List.of(changes);
		}
		List<List<ChangeEvent>> all = new ArrayList<>();
		for (int i = 0; i < changes.size(); i++) {
			List<ChangeEvent> rest = new ArrayList<>(changes);
			ChangeEvent first = rest.remove(i);
			for (List<ChangeEvent> tail : permutations(rest)) {
				List<ChangeEvent> order = new ArrayList<>();
				order.add(first);
				order.addAll(tail);
				all.add(order);
			}
		}
		return all;
	}

	private static Replica replica(ChangeEvent... changes) {
		return replica(List.of(changes));
	}

	private static Replica replica(List<ChangeEvent> changes) {
		Replica replica = new Replica();
		changes.forEach(replica::apply);
		return replica;
	}

	private static ChangeEvent insert(long hlc, long node, String a, String b) {
		return new ChangeEvent(node, hlc, "t", Operation.INSERT, row(1L, a, b), List.of("id"), 0, "", hlc, null);
	}

	private static ChangeEvent update(long hlc, long node, String column, String value) {
		Map<String, @Nullable Object> row = row(1L, "a-unknown", "b-unknown");
		row.put(column, value);
		return new ChangeEvent(node, hlc, "t", Operation.UPDATE, row, List.of("id"), 0, "", hlc, Set.of(column));
	}

	private static ChangeEvent delete(long hlc, long node, String a, String b) {
		return new ChangeEvent(node, hlc, "t", Operation.DELETE, row(1L, a, b), List.of("id"), 0, "", hlc, null);
	}

	private static Map<String, @Nullable Object> row(Object... values) {
		Map<String, @Nullable Object> row = new LinkedHashMap<>();
		for (int i = 0; i < values.length; i++) {
			row.put(COLUMNS.get(i), values[i]);
		}
		return row;
	}

	/** One node's view of the row: the table's row (or none) and the version state, changed as the applier does. */
	private static final class Replica {

		private @Nullable Map<String, @Nullable Object> row;

		private @Nullable RowState state;

		Merge apply(ChangeEvent change) {
			Merge merge = MergeRule.merge(this.state, change,
					() -> (this.row != null) ? new LinkedHashMap<>(this.row) : null);
			if (merge.superseded()) {
				return merge;
			}
			this.state = merge.state();
			switch (merge.write()) {
				case UPDATE_COLUMNS -> this.row.putAll(merge.values());
				case UPSERT_ROW -> {
					Map<String, @Nullable Object> written = (this.row != null) ? this.row : new LinkedHashMap<>();
					written.putAll(merge.values());
					this.row = written;
				}
				case DELETE_ROW -> this.row = null;
				case NONE -> {
				}
			}
			return merge;
		}

		@Nullable Map<String, @Nullable Object> row() {
			return this.row;
		}

		RowState state() {
			return this.state;
		}

	}

}
