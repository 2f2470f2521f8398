package io.harmonylite.autoconfigure.endpoint;

import java.util.Map;
import java.util.function.Supplier;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotRefusedException;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link SnapshotsEndpoint}, giving its failures HTTP status
 * codes with the reason in the body: 404 for an unknown snapshot, 409 for a snapshot or a take the node refuses (it
 * does not fit, or the node is not consistent now, or snapshots are disabled), 503 when the store cannot be reached.
 *
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = SnapshotsEndpoint.class)
public class SnapshotsEndpointWebExtension {

	/** HTTP 409, which {@link WebEndpointResponse} has no constant for. */
	static final int STATUS_CONFLICT = 409;

	private final SnapshotsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public SnapshotsEndpointWebExtension(SnapshotsEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * The node's snapshot state and the store's snapshots; 503 when the store cannot be read.
	 * @return the response
	 */
	@ReadOperation
	public WebEndpointResponse<Object> snapshots() {
		return respond(this.delegate::snapshots);
	}

	/**
	 * Takes a snapshot now; 409 when the node is not consistent.
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<Object> take() {
		return respond(this.delegate::take);
	}

	/**
	 * Restores a snapshot; 404 for an unknown id, 409 when it does not fit this node.
	 * @param id the snapshot id, or {@value SnapshotsEndpoint#NEWEST}
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<Object> restore(@Selector String id) {
		return respond(() -> {
			SnapshotsEndpoint.RestoreDescriptor outcome = this.delegate.restore(id);
			return outcome.restored() ? outcome : new WebEndpointResponse<Object>(outcome, STATUS_CONFLICT);
		});
	}

	private static WebEndpointResponse<Object> respond(Supplier<?> operation) {
		try {
			Object result = operation.get();
			return (result instanceof WebEndpointResponse<?> response) ? cast(response) : new WebEndpointResponse<>(result);
		}
		catch (SnapshotNotFoundException ex) {
			return error(ex, WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (SnapshotRefusedException ex) {
			return error(ex, STATUS_CONFLICT);
		}
		catch (SnapshotException ex) {
			return error(ex, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
		catch (HarmonyLiteException ex) {
			return error(ex, STATUS_CONFLICT);
		}
	}

	@SuppressWarnings("unchecked")
	private static WebEndpointResponse<Object> cast(WebEndpointResponse<?> response) {
		return (WebEndpointResponse<Object>) response;
	}

	private static WebEndpointResponse<Object> error(RuntimeException ex, int status) {
		return new WebEndpointResponse<>(Map.of("error", String.valueOf(ex.getMessage())), status);
	}

}
