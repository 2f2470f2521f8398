package io.harmonylite.nats.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an embedded server in its own JVM, prints {@code READY <pid>} and waits forever, so that a test can kill the
 * JVM hard and check that the server does not outlive it. Arguments: store directory, client port.
 */
public final class EmbeddedServerMain {

	private EmbeddedServerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of(args[0]), Integer.parseInt(args[1]), null,
				List.of());
		EmbeddedNatsServer server = new EmbeddedNatsServer(config, 9, Path.of(args[0]).resolve("unused.db"));
		server.start();
		System.out.println("READY " + server.pid());
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
