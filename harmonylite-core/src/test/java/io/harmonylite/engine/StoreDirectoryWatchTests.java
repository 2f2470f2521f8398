package io.harmonylite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.harmonylite.testsupport.CapturedLogs;
import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoreDirectoryWatch}.
 */
class StoreDirectoryWatchTests {

	@TempDir
	Path dir;

	@RegisterExtension
	final CapturedLogs logs = CapturedLogs.of(StoreDirectoryWatch.class);

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T15:00:00Z"));

	private OptionalLong pid = OptionalLong.of(42);

	@Test
	void storeRemovedWhileTheServerRunsShouldBeReportedOnceLoggedAndClearWhenItIsBack() throws IOException {
		Path store = Files.createDirectories(this.dir.resolve("app.db-nats"));
		StoreDirectoryWatch watch = new StoreDirectoryWatch(2, store, 3, () -> this.pid, this.clock);
		assertThat(watch.problems()).isEmpty();

		deleteRecursively(store);
		Instant removed = this.clock.instant();
		assertThat(watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.STORE_REMOVED);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DEGRADED);
			assertThat(problem.reason()).contains(store.toString(), "starts empty", "copy the streams back");
			assertThat(problem.since()).isEqualTo(removed);
		});
		this.clock.move(Duration.ofMinutes(1));
		assertThat(watch.problems()).singleElement().extracting(EngineStatus.Problem::since).isEqualTo(removed);
		assertThat(this.logs.messages(Level.WARN)).singleElement().asString().startsWith("Node 2: STORE_REMOVED: ");

		Files.createDirectories(store);
		assertThat(watch.problems()).as("another directory of that name: the server still uses the removed one")
			.hasSize(1);
		this.pid = OptionalLong.of(43);
		assertThat(watch.problems()).as("the server restarted on the new directory").isEmpty();
		Path moved = this.dir.resolve("moved-away");
		Files.move(store, moved);
		assertThat(watch.problems()).hasSize(1);
		Files.move(moved, store);
		assertThat(watch.problems()).as("put back").isEmpty();
	}

	@Test
	void storeOfASingleReplicaShouldWarnThatItsStreamsWouldBeLost() throws IOException {
		Path store = Files.createDirectories(this.dir.resolve("gone"));
		StoreDirectoryWatch watch = new StoreDirectoryWatch(1, store, 1, () -> this.pid, this.clock);
		deleteRecursively(store);
		assertThat(watch.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.reason()).contains("losing the streams", "snapshot"));
	}

	@Test
	void externalServerShouldHaveNothingToWatch() {
		assertThat(new StoreDirectoryWatch(1, null, 3, OptionalLong::empty, this.clock).problems()).isEmpty();
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
