package io.harmonylite.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster's schema situation as the registry shows it: whether all live nodes share one current hash and, per
 * hash, which nodes have it as current and which as previous.
 * <p>
 * An empty cluster counts as consistent: no two nodes disagree, and nothing replicates that could break.
 *
 * @since 0.1.0
 */
public final class ClusterSchemaView {

	private final List<NodeSchemaState> nodes;

	private final Set<String> currentHashes;

	private final List<HashGroup> groups;

	/**
	 * Builds the view.
	 * @param nodes the live nodes' states, e.g. from {@link SchemaRegistry#nodes()}
	 */
	public ClusterSchemaView(List<NodeSchemaState> nodes) {
		this.nodes = nodes.stream().sorted(Comparator.comparingLong(NodeSchemaState::nodeId)).toList();
		this.currentHashes = new LinkedHashSet<>();
		Map<String, List<Long>> current = new TreeMap<>();
		Map<String, List<Long>> previous = new TreeMap<>();
		for (NodeSchemaState node : this.nodes) {
			this.currentHashes.add(node.schemaHash());
			current.computeIfAbsent(node.schemaHash(), (hash) -> new ArrayList<>()).add(node.nodeId());
			if (node.previousHash() != null) {
				previous.computeIfAbsent(node.previousHash(), (hash) -> new ArrayList<>()).add(node.nodeId());
			}
		}
		List<HashGroup> groups = new ArrayList<>();
		current.forEach((hash, nodeIds) -> groups.add(new HashGroup(hash, nodeIds, previous.getOrDefault(hash, List.of()))));
		previous.forEach((hash, nodeIds) -> {
			if (!current.containsKey(hash)) {
				groups.add(new HashGroup(hash, List.of(), nodeIds));
			}
		});
		// Largest current group first; hashes that are only someone's previous one last; ties by hash.
		groups.sort(Comparator.comparingInt((HashGroup group) -> -group.currentOn().size()).thenComparing(HashGroup::hash));
		this.groups = List.copyOf(groups);
	}

	/**
	 * How many live nodes the registry lists.
	 * @return the node count
	 */
	public int nodeCount() {
		return this.nodes.size();
	}

	/**
	 * The nodes' states.
	 * @return the states, ordered by node id
	 */
	public List<NodeSchemaState> nodes() {
		return this.nodes;
	}

	/**
	 * Whether all live nodes share one current hash.
	 * @return {@code true} when at most one current hash exists, including for an empty cluster
	 */
	public boolean consistent() {
		return this.currentHashes.size() <= 1;
	}

	/**
	 * The hash all nodes share.
	 * @return the hash when the cluster is consistent and not empty, otherwise empty
	 */
	public Optional<String> commonHash() {
		return (this.currentHashes.size() == 1) ? Optional.of(this.currentHashes.iterator().next()) : Optional.empty();
	}

	/**
	 * Every hash some node has as current or previous, with those nodes.
	 * @return the groups: most current nodes first, then by hash; hashes that are only a previous hash come last
	 */
	public List<HashGroup> groups() {
		return this.groups;
	}

	/**
	 * How the schema behind each current hash differs from the schema behind the most common one, so that a mismatch
	 * can be told in tables and columns: per table, the columns (as {@code name TYPE}) only one side has; a table only
	 * one side has lists all its columns on that side. Differences in NOT NULL or in a column's place in the primary
	 * key, which also change the hash, do not show in {@code name TYPE}: such a hash gets an entry without tables.
	 * @return one entry per current hash other than the first group's, empty when the cluster is consistent; a hash
	 * whose nodes (or the first group's) do not publish their columns, as older versions do not, is left out
	 */
	public List<SchemaDifference> differences() {
		List<HashGroup> current = this.groups.stream().filter((group) -> !group.currentOn().isEmpty()).toList();
		if (current.size() < 2) {
			return List.of();
		}
		Map<String, List<String>> reference = columnsOf(current.get(0));
		List<SchemaDifference> differences = new ArrayList<>();
		for (HashGroup group : current.subList(1, current.size())) {
			Map<String, List<String>> here = columnsOf(group);
			if (!reference.isEmpty() && !here.isEmpty()) {
				differences.add(new SchemaDifference(group.hash(), current.get(0).hash(), compare(here, reference)));
			}
		}
		return List.copyOf(differences);
	}

	private Map<String, List<String>> columnsOf(HashGroup group) {
		return this.nodes.stream()
			.filter((node) -> group.hash().equals(node.schemaHash()) && !node.columns().isEmpty())
			.map(NodeSchemaState::columns)
			.findFirst()
			.orElse(Map.of());
	}

	private static List<TableDifference> compare(Map<String, List<String>> here, Map<String, List<String>> there) {
		Set<String> tables = new LinkedHashSet<>(here.keySet());
		tables.addAll(there.keySet());
		List<TableDifference> differences = new ArrayList<>();
		for (String table : tables) {
			List<String> mine = here.getOrDefault(table, List.of());
			List<String> theirs = there.getOrDefault(table, List.of());
			List<String> onlyHere = mine.stream().filter((column) -> !theirs.contains(column)).toList();
			List<String> onlyThere = theirs.stream().filter((column) -> !mine.contains(column)).toList();
			if (!onlyHere.isEmpty() || !onlyThere.isEmpty()) {
				differences.add(new TableDifference(table, onlyHere, onlyThere));
			}
		}
		return differences;
	}

	/**
	 * How the schema behind one hash differs from the schema behind another.
	 *
	 * @param hash the schema hash described
	 * @param comparedTo the hash it is compared to, the most common current one
	 * @param tables the tables that differ
	 * @since 0.1.0
	 */
	public record SchemaDifference(String hash, String comparedTo, List<TableDifference> tables) {

		public SchemaDifference {
			tables = List.copyOf(tables);
		}

	}

	/**
	 * How one table differs between two schemas.
	 *
	 * @param table the table name
	 * @param columnsOnlyHere columns ({@code name TYPE}) only the described schema has
	 * @param columnsOnlyThere columns only the compared schema has
	 * @since 0.1.0
	 */
	public record TableDifference(String table, List<String> columnsOnlyHere, List<String> columnsOnlyThere) {

		public TableDifference {
			columnsOnlyHere = List.copyOf(columnsOnlyHere);
			columnsOnlyThere = List.copyOf(columnsOnlyThere);
		}

	}

	/**
	 * The nodes that have one hash as their current or previous hash.
	 *
	 * @param hash the schema hash
	 * @param currentOn the ids of the nodes whose current hash it is, ascending
	 * @param previousOn the ids of the nodes whose previous hash it is, ascending
	 * @since 0.1.0
	 */
	public record HashGroup(String hash, List<Long> currentOn, List<Long> previousOn) {

		public HashGroup {
			currentOn = List.copyOf(currentOn);
			previousOn = List.copyOf(previousOn);
		}

	}

}
