package io.harmonylite.schema;

import java.util.List;
import java.util.function.IntSupplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.event.ChangeEventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the change event format this node publishes: the newest format that every node in the schema registry
 * reads, never newer than this node's own. While any node of the previous release (which advertises no format) is
 * live, that is format 1, so that no node receives a message it cannot decode. Until the registry was read once, no
 * format is decided and {@link #getAsInt()} refuses, so that nothing is published: format 1 is applied without
 * versions, so publishing it by default would let this node's older changes overwrite newer rows everywhere (itself
 * included) whenever it started while the registry could not be read.
 *
 * @since 0.1.0
 */
public final class ClusterWireFormat implements IntSupplier {

	private static final Logger logger = LoggerFactory.getLogger(ClusterWireFormat.class);

	private final long nodeId;

	private final int ownFormat;

	/** The format while none is decided yet. */
	static final int UNDECIDED = 0;

	private volatile int current;

	/**
	 * Creates the decision, undecided until {@link #refresh(List)} (unless this node writes format 1 only).
	 * @param nodeId this node's id
	 * @param ownFormat the newest format this node reads and writes
	 */
	public ClusterWireFormat(long nodeId, int ownFormat) {
		this.nodeId = nodeId;
		this.ownFormat = ownFormat;
		this.current = (ownFormat <= NodeSchemaState.UNVERSIONED_FORMAT) ? ownFormat : UNDECIDED;
	}

	/**
	 * The newest format this node reads, to advertise in its own registry entry.
	 * @return this node's format
	 */
	public int ownFormat() {
		return this.ownFormat;
	}

	/**
	 * Decides again from the registry's live node states; logs when the format changes.
	 * @param nodes every live node's state, this node's included
	 * @return the format to publish in
	 */
	public int refresh(List<NodeSchemaState> nodes) {
		int format = this.ownFormat;
		long oldest = this.nodeId;
		for (NodeSchemaState node : nodes) {
			if (node.wireFormat() < format) {
				format = node.wireFormat();
				oldest = node.nodeId();
			}
		}
		int previous = this.current;
		this.current = format;
		if (format != previous) {
			if (format < this.ownFormat) {
				logger.info("Node {}: publishing changes in format {}: node {} reads no newer format (an older "
						+ "release); upgrade it to have {}", this.nodeId, format, oldest,
						(format < ChangeEventCodec.FORMAT_VERSIONED) ? "conflicts resolved by version"
								: "changes larger than the server's max_payload split into chunks rather than "
										+ "rejected");
			}
			else {
				logger.info("Node {}: publishing changes in format {}: every node in the registry reads it",
						this.nodeId, format);
			}
		}
		return format;
	}

	/**
	 * Decides again from the registry's live node states; keeps the current format when the registry cannot be read.
	 * @param registry the schema registry
	 * @return the format to publish in, {@link #UNDECIDED} while the registry was never read
	 */
	public int refresh(SchemaRegistry registry) {
		try {
			return refresh(registry.nodes());
		}
		catch (RuntimeException ex) {
			if (this.current == UNDECIDED) {
				logger.warn("Node {}: could not read the schema registry to decide the change format; changes wait "
						+ "until it can be read (every 5 s): {}", this.nodeId, ex.getMessage());
			}
			else {
				logger.warn("Node {}: could not read the schema registry to decide the change format; keeping format "
						+ "{}: {}", this.nodeId, this.current, ex.getMessage());
			}
			return this.current;
		}
	}

	/**
	 * The format to publish in.
	 * @return the format
	 * @throws HarmonyLiteException while no format is decided (the registry was never read): nothing may be published
	 */
	@Override
	public int getAsInt() {
		int format = this.current;
		if (format == UNDECIDED) {
			throw new HarmonyLiteException("Not published yet: node " + this.nodeId + " has not read the schema "
					+ "registry, which decides the change format every node can read; the changes stay pending and "
					+ "are sent once it can be read");
		}
		return format;
	}

}
