package io.harmonylite.engine;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Holds a database's {@link NodeLock} in a JVM of its own, prints {@code READY} and waits forever, so that a test can
 * kill it as a crashed node. Argument: the database file.
 */
public final class NodeLockHolder {

	private NodeLockHolder() {
	}

	public static void main(String[] args) throws InterruptedException {
		NodeLock.acquire(Path.of(args[0]), 7, "stop it first");
		System.out.println("READY");
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
