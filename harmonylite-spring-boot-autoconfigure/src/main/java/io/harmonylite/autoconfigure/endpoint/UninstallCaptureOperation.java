package io.harmonylite.autoconfigure.endpoint;

import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.capture.CaptureRemoval;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /actuator/harmonylite/capture} with {@code {"action": "uninstall"}}: stops the node (after sending what
 * is pending, for up to 30 seconds) and drops HarmonyLite's triggers and tables from its database, as the standalone
 * node's {@code --cleanup} does ({@link HarmonyLiteEngine#uninstallCapture()}). The node stays stopped until the
 * application restarts, which installs capture again unless {@code harmonylite.enabled=false}.
 *
 * @since 0.1.0
 */
public class UninstallCaptureOperation implements HarmonyLiteOperation {

	/** The target of this operation. */
	public static final String CAPTURE = "capture";

	private final long nodeId;

	private final Supplier<CaptureRemoval> uninstall;

	/**
	 * Creates the operation on the given engine.
	 * @param engine the engine
	 */
	public UninstallCaptureOperation(HarmonyLiteEngine engine) {
		this(engine.config().nodeId(), engine::uninstallCapture);
	}

	UninstallCaptureOperation(long nodeId, Supplier<CaptureRemoval> uninstall) {
		this.nodeId = nodeId;
		this.uninstall = uninstall;
	}

	@Override
	public String target() {
		return CAPTURE;
	}

	@Override
	public String action() {
		return "uninstall";
	}

	@Override
	public OperationResult run(@Nullable String id) {
		if (id != null) {
			return OperationResult.refused(this, id, Outcome.NOT_FOUND,
					"Capture is uninstalled as a whole: POST /actuator/harmonylite/" + CAPTURE
							+ " with {\"action\": \"uninstall\"}, without '" + id + "'");
		}
		CaptureRemoval removal;
		try {
			removal = this.uninstall.get();
		}
		catch (HarmonyLiteException ex) {
			return OperationResult.refused(this, null, Outcome.CONFLICT, String.valueOf(ex.getMessage()));
		}
		RemovalDescriptor detail = new RemovalDescriptor(removal.database().toString(), removal.objectsDropped(),
				removal.unsentChanges());
		String stopped = " Node " + this.nodeId + " is stopped; restarting the application installs capture again "
				+ "unless harmonylite.enabled=false.";
		if (removal.objectsDropped() == 0) {
			return OperationResult.unchanged(this, null, removal.describe() + stopped, detail);
		}
		return OperationResult.done(this, null, removal.describe() + stopped + " Writes made meanwhile are not "
				+ "captured, and that start, like a new node's, may restore a snapshot over them (they are then kept "
				+ "only in " + removal.database().getFileName() + ".before-restore-<snapshot id>).", detail);
	}

	/**
	 * What uninstalling capture removed.
	 *
	 * @param database the database file
	 * @param objectsDropped the HarmonyLite triggers, tables and indexes dropped
	 * @param unsentChanges captured changes that had not been sent and are lost
	 * @since 0.1.0
	 */
	public record RemovalDescriptor(String database, int objectsDropped, long unsentChanges) {

	}

}
