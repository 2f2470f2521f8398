package io.harmonylite.snapshot.s3;

import io.harmonylite.snapshot.SnapshotConfig;
import io.harmonylite.snapshot.SnapshotStore;
import io.harmonylite.snapshot.SnapshotStoreFactory;
import io.harmonylite.snapshot.SnapshotStoreType;

/**
 * Makes the {@link S3SnapshotStore} for {@code harmonylite.snapshot.store=s3}; registered with
 * {@link java.util.ServiceLoader}, so that the engine finds it when this module is on the classpath.
 *
 * @since 0.1.0
 */
public final class S3SnapshotStoreFactory implements SnapshotStoreFactory {

	@Override
	public SnapshotStoreType type() {
		return SnapshotStoreType.S3;
	}

	@Override
	public SnapshotStore create(SnapshotConfig config) {
		return S3SnapshotStore.create(config.s3());
	}

}
