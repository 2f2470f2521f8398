package io.harmonylite.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.harmonylite.testsupport.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DatabaseFileWatch} on real files: a file replaced or deleted at the watched path is a problem until
 * the file the node opened is back. (Not on a live database: replacing a file under open SQLite connections can abort
 * the process, which is why the node reports it.)
 */
class DatabaseFileWatchTests {

	private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

	@TempDir
	Path dir;

	@Test
	void fileReplacedOrDeletedShouldBeReportedUntilTheOpenedFileIsBack() throws Exception {
		Path file = Files.writeString(this.dir.resolve("node.db"), "opened");
		DatabaseFileWatch watch = new DatabaseFileWatch(1, file, new MovableClock(NOW), () -> null);
		assertThat(watch.problems()).isEmpty();
		Path original = this.dir.resolve("original.db");
		Files.createLink(original, file);

		Files.move(Files.writeString(this.dir.resolve("copy.db"), "copy"), file, StandardCopyOption.REPLACE_EXISTING);
		assertThat(watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DATABASE_REPLACED);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).contains("replaced by another file");
			assertThat(problem.since()).isEqualTo(NOW);
		});

		Files.delete(file);
		assertThat(watch.problems()).singleElement()
			.satisfies((problem) -> assertThat(problem.reason()).contains("was deleted"));

		Files.move(original, file);
		assertThat(watch.problems()).isEmpty();
	}

	@Test
	void fileThatWentBackUnderTheNodeShouldBeReportedWithTheApplierReason() throws Exception {
		Path file = Files.writeString(this.dir.resolve("node.db"), "opened");
		AtomicReference<String> wentBack = new AtomicReference<>();
		DatabaseFileWatch watch = new DatabaseFileWatch(1, file, new MovableClock(NOW), wentBack::get);
		assertThat(watch.problems()).isEmpty();
		wentBack.set("the database file went back while the node runs");
		assertThat(watch.problems()).singleElement().satisfies((problem) -> {
			assertThat(problem.kind()).isEqualTo(EngineStatus.ProblemKind.DATABASE_REPLACED);
			assertThat(problem.severity()).isEqualTo(EngineStatus.Severity.DOWN);
			assertThat(problem.reason()).isEqualTo("the database file went back while the node runs");
		});
	}

}
