package io.harmonylite.node.cli;

import io.harmonylite.schema.ClusterSchemaView;

/**
 * Exit codes of the cluster schema status command, so that CI/CD pipelines can gate a rollout on it. {@code 1} is
 * left to generic failures (bad configuration, unexpected errors).
 *
 * @since 0.1.0
 */
public final class SchemaStatusExitCodes {

	/** All live nodes share one current schema hash (or no node is registered). */
	public static final int CONSISTENT = 0;

	/** Live nodes have different current schema hashes. */
	public static final int INCONSISTENT = 2;

	/** NATS (and so the schema registry) could not be reached. */
	public static final int NATS_UNREACHABLE = 3;

	private SchemaStatusExitCodes() {
	}

	/**
	 * The exit code for a cluster view.
	 * @param view the cluster view
	 * @return {@link #CONSISTENT} or {@link #INCONSISTENT}
	 */
	public static int of(ClusterSchemaView view) {
		return view.consistent() ? CONSISTENT : INCONSISTENT;
	}

}
