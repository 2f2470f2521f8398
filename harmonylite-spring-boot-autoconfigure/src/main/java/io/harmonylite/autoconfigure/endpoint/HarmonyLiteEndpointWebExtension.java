package io.harmonylite.autoconfigure.endpoint;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link HarmonyLiteEndpoint}: answers each write
 * operation with the HTTP status of its {@link OperationResult.Outcome} ({@code 200}, or {@code 400}, {@code 404},
 * {@code 409} when it cannot apply), its result in the body.
 *
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = HarmonyLiteEndpoint.class)
public class HarmonyLiteEndpointWebExtension {

	private final HarmonyLiteEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public HarmonyLiteEndpointWebExtension(HarmonyLiteEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Runs an operation on a whole target, such as {@code capture}.
	 * @param name the target
	 * @param action the operation
	 * @return the result with its status
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResult> act(@Selector String name, String action) {
		return response(this.delegate.act(name, action));
	}

	/**
	 * Runs an operation on one item of a target, such as shard 0.
	 * @param name the target
	 * @param id the item
	 * @param action the operation
	 * @return the result with its status
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResult> actOn(@Selector String name, @Selector String id, String action) {
		return response(this.delegate.actOn(name, id, action));
	}

	private static WebEndpointResponse<OperationResult> response(OperationResult result) {
		return new WebEndpointResponse<>(result, result.outcome().status());
	}

}
