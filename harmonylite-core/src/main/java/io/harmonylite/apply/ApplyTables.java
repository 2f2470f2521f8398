package io.harmonylite.apply;

import io.harmonylite.schema.SchemaReader;

/**
 * The names of the tables in which the apply side keeps its replication state, for the code that copies that state
 * (snapshots).
 *
 * @since 0.1.0
 */
public final class ApplyTables {

	/** Per stream, the sequence of the last change applied or skipped. */
	public static final String POSITIONS = SchemaReader.INTERNAL_PREFIX + "apply_position";

	/** Per stream, the incarnation (creation time) the position refers to. */
	public static final String STREAM_IDENTITIES = SchemaReader.INTERNAL_PREFIX + "stream_identity";

	private ApplyTables() {
	}

}
