package io.harmonylite.snapshot;

import java.util.ServiceLoader;

import io.harmonylite.ConfigException;

/**
 * Creates a {@link SnapshotStore} that lives outside the core, such as the S3 store of the module
 * {@code harmonylite-snapshot-s3}; found on the classpath with {@link ServiceLoader}.
 *
 * @since 0.1.0
 */
public interface SnapshotStoreFactory {

	/**
	 * The kind of store this factory makes.
	 * @return the store type
	 */
	SnapshotStoreType type();

	/**
	 * Creates the store; when it is {@link AutoCloseable} its creator closes it.
	 * @param config the snapshot settings
	 * @return the store
	 */
	SnapshotStore create(SnapshotConfig config);

	/**
	 * Creates a store with the factory of its type found on the classpath.
	 * @param config the snapshot settings, naming the store type
	 * @return the store
	 * @throws ConfigException if no factory of that type is on the classpath
	 */
	static SnapshotStore load(SnapshotConfig config) {
		for (SnapshotStoreFactory factory : ServiceLoader.load(SnapshotStoreFactory.class)) {
			if (factory.type() == config.store()) {
				return factory.create(config);
			}
		}
		throw new ConfigException("harmonylite.snapshot.store", "is " + config.store().name().toLowerCase()
				+ ", but no such snapshot store is on the classpath: add the dependency io.harmonylite:harmonylite-snapshot-"
				+ config.store().name().toLowerCase() + ", or use the nats or directory store");
	}

}
