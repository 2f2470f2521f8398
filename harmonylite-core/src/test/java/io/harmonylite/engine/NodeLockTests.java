package io.harmonylite.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The lock a running node holds on its database: one holder at a time, in this JVM or another, and released when the
 * holding process dies, even by {@code kill -9}.
 */
class NodeLockTests {

	@TempDir
	Path dir;

	@Test
	void secondHolderInTheSameJvmShouldBeRefusedUntilTheFirstReleases() {
		Path db = this.dir.resolve("node.db");
		NodeLock first = NodeLock.acquire(db, 1, "stop it first");
		assertThatExceptionOfType(HarmonyLiteException.class)
			.isThrownBy(() -> NodeLock.acquire(db, 1, "stop it first"))
			.withMessageStartingWith("Node 1 is running on " + db + " (pid " + ProcessHandle.current().pid() + " on ")
			.withMessageEndingWith(" holds " + NodeLock.file(db) + "): stop it first");
		first.close();
		NodeLock.acquire(db, 1, "stop it first").close();
		assertThat(NodeLock.file(db)).hasFileName("node.db-harmonylite.lock");
	}

	@Test
	void databaseInADirectoryThatDoesNotExistShouldBeAConfigurationErrorNamingTheProperty() {
		Path db = this.dir.resolve("no-such-directory").resolve("node.db");
		assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> NodeLock.acquire(db, 1, "stop it first"))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("harmonylite.db-path"))
			.withMessageContaining("is in a directory that does not exist (" + this.dir.resolve("no-such-directory") + ")");
		assertThat(this.dir.resolve("no-such-directory")).doesNotExist();
	}

	@Test
	void lockOfAKilledProcessShouldBeFreeAtOnce() throws Exception {
		Path db = this.dir.resolve("node.db");
		Path output = this.dir.resolve("holder.out");
		Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), NodeLockHolder.class.getName(), db.toString())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(output).contains("READY"));
			assertThatExceptionOfType(HarmonyLiteException.class)
				.isThrownBy(() -> NodeLock.acquire(db, 3, "stop it first"))
				.withMessageStartingWith("Node 7 is running on " + db + " (pid " + holder.pid() + " on ");
			holder.destroyForcibly();
			holder.waitFor();
			NodeLock.acquire(db, 7, "stop it first").close();
		}
		finally {
			holder.destroyForcibly();
		}
	}

}
