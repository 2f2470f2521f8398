package io.harmonylite.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.harmonylite.testsupport.Directories;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster of one fault scenario, stopped after the test, with its files in a directory that is kept when the
 * scenario fails (the nodes' logs are there). Register it on an instance field:
 * <pre>
 * &#64;RegisterExtension
 * final FaultClusters clusters = new FaultClusters();
 * </pre>
 */
final class FaultClusters implements BeforeEachCallback, AfterEachCallback {

	private static final Logger logger = LoggerFactory.getLogger(FaultClusters.class);

	private Path dir;

	private FaultCluster cluster;

	@Override
	public void beforeEach(ExtensionContext context) throws IOException {
		this.dir = Files.createTempDirectory("harmonylite-fault-");
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
		if (this.dir != null && context.getExecutionException().isEmpty()) {
			Directories.delete(this.dir);
		}
		else if (this.dir != null) {
			logger.info("{} failed: the nodes' files and logs are kept in {}", context.getDisplayName(), this.dir);
		}
	}

	/**
	 * Starts this test's cluster on loopback; see {@link FaultCluster#onLoopback}.
	 * @param size the number of nodes
	 * @param extraArguments launcher arguments for every node
	 * @return the running cluster, stopped after the test
	 */
	FaultCluster onLoopback(int size, String... extraArguments) {
		if (this.dir == null || this.cluster != null) {
			throw new IllegalStateException("FaultClusters starts one cluster per test: register it with "
					+ "@RegisterExtension on an instance field and start the cluster once");
		}
		this.cluster = FaultCluster.onLoopback(this.dir, size, extraArguments);
		return this.cluster;
	}

}
