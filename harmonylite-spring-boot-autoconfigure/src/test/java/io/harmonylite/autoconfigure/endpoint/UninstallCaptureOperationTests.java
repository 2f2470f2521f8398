package io.harmonylite.autoconfigure.endpoint;

import java.nio.file.Path;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.autoconfigure.endpoint.UninstallCaptureOperation.RemovalDescriptor;
import io.harmonylite.capture.CaptureRemoval;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UninstallCaptureOperation}.
 */
class UninstallCaptureOperationTests {

	private static final Path DB = Path.of("/data/app.db");

	@Test
	void uninstallShouldSayWhatWasRemovedAndThatTheNodeIsStopped() {
		UninstallCaptureOperation operation = new UninstallCaptureOperation(3, () -> new CaptureRemoval(DB, 9, 2));

		OperationResult result = operation.run(null);

		assertThat(result.outcome()).isEqualTo(Outcome.DONE);
		assertThat(result.message()).startsWith("Removed 9 HarmonyLite trigger(s), table(s) and index(es) from " + DB)
			.contains("2 captured change(s) not yet sent were discarded")
			.contains("Node 3 is stopped; restarting the application installs capture again unless "
					+ "harmonylite.enabled=false.")
			.endsWith("may restore a snapshot over them (they are then kept only in app.db.before-restore-<snapshot "
					+ "id>).");
		assertThat(result.detail()).isEqualTo(new RemovalDescriptor(DB.toString(), 9, 2));
	}

	@Test
	void uninstallWhenCaptureIsNotInstalledShouldBeUnchanged() {
		UninstallCaptureOperation operation = new UninstallCaptureOperation(3, () -> new CaptureRemoval(DB, 0, 0));

		OperationResult result = operation.run(null);

		assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
		assertThat(result.message()).startsWith("No HarmonyLite capture found in " + DB + "; nothing removed.");
	}

	@Test
	void uninstallOfOneItemShouldBeNotFound() {
		boolean[] ran = { false };
		UninstallCaptureOperation operation = new UninstallCaptureOperation(3, () -> {
			ran[0] = true;
			return new CaptureRemoval(DB, 0, 0);
		});

		OperationResult result = operation.run("Books");

		assertThat(result.outcome()).isEqualTo(Outcome.NOT_FOUND);
		assertThat(ran[0]).isFalse();
	}

	@Test
	void failureShouldBeAConflictWithItsMessage() {
		UninstallCaptureOperation operation = new UninstallCaptureOperation(3, () -> {
			throw new HarmonyLiteException("Could not uninstall change capture from /data/app.db: database is locked");
		});

		OperationResult result = operation.run(null);

		assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
		assertThat(result.message()).endsWith("database is locked");
	}

}
