package io.harmonylite.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.harmonylite.apply.ChangeApplier;
import io.harmonylite.apply.PositionedChange;
import io.harmonylite.apply.StreamPosition;
import io.harmonylite.event.ChangeEvent;
import io.harmonylite.schema.SchemaGate;
import org.jspecify.annotations.Nullable;

/**
 * The changes of one message as this node's apply path would write them, outside the apply loop: refused when a
 * schema hash is one the node accepts neither as current nor as previous (unless the cluster left it), and a change of
 * the previous schema without the columns this node dropped since.
 *
 * @param changes the changes at the message's position; empty when refused
 * @param problem why the node does not accept the message's schema hash, {@code null} when it does
 */
record GatedChanges(List<PositionedChange> changes, @Nullable String problem) {

	/**
	 * Gates the changes of one message.
	 * @param events the message's changes
	 * @param position where they are written as applied
	 * @param gate this node's schema hashes
	 * @param applier the node's applier, for the previous schema's dropped columns
	 * @param left whether the cluster left a hash (see {@code UnknownHashQuarantine}): its changes are written where
	 * they fit, as the apply loop does
	 * @return the changes to write, or the problem
	 */
	static GatedChanges of(List<ChangeEvent> events, StreamPosition position, SchemaGate gate, ChangeApplier applier,
			Predicate<String> left) {
		List<PositionedChange> changes = new ArrayList<>(events.size());
		for (ChangeEvent event : events) {
			if (gate.check(event.schemaHash()) == SchemaGate.Decision.MISMATCH && !left.test(event.schemaHash())) {
				return new GatedChanges(List.of(), "its schema hash " + event.schemaHash()
						+ " is neither this node's current (" + gate.currentHash() + ") nor its previous one ("
						+ ((gate.previousHash() != null) ? gate.previousHash() : "none") + "), and the cluster still "
						+ "runs it or does not agree on this node's hash yet (a migration in progress); migrate this "
						+ "node first, or finish the migration everywhere");
			}
			boolean previous = event.schemaHash().equals(gate.previousHash())
					&& !event.schemaHash().equals(gate.currentHash());
			changes.add(new PositionedChange(previous ? applier.fittedToThisSchema(event) : event, position));
		}
		return new GatedChanges(changes, null);
	}

}
