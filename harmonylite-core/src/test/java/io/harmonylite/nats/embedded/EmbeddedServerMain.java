package io.harmonylite.nats.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts an embedded server in its own JVM, prints {@code READY <pid>} and waits forever, so that a test can kill or
 * stop the JVM and check that the server does not outlive it. Arguments: store directory, client port, and
 * optionally {@code supervised} to run it under an {@link EmbeddedServerSupervisor}, as a node does.
 */
public final class EmbeddedServerMain {

	private EmbeddedServerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		EmbeddedNatsConfig config = new EmbeddedNatsConfig(null, Path.of(args[0]), Integer.parseInt(args[1]), null,
				List.of());
		EmbeddedNatsServer server = new EmbeddedNatsServer(config, 9, Path.of(args[0]).resolve("unused.db"));
		if (args.length > 2 && "supervised".equals(args[2])) {
			new EmbeddedServerSupervisor(server, 9).start();
			// An application that takes a while to close (a Spring context does) keeps the JVM alive after the
			// server's own shutdown hook stopped it: long enough for a supervisor to restart it by mistake.
			Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedServerMain::closeSlowly));
		}
		else {
			server.start();
		}
		System.out.println("READY " + server.pid());
		System.out.flush();
		new CountDownLatch(1).await();
	}

	private static void closeSlowly() {
		try {
			new CountDownLatch(1).await(3, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
