package io.harmonylite.autoconfigure.endpoint;

import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link HarmonyLiteEndpoint}: answers each write
 * operation, and each read that runs one (the dead-letter listing), with the HTTP status of its
 * {@link OperationResult.Outcome} ({@code 200}, or {@code 400}, {@code 404}, {@code 409} when it cannot apply), its
 * result in the body; other reads with {@code 200}, or {@code 404} when there is nothing at the path.
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
	 * Reads a section, such as {@code schema} or {@code dead-letters}.
	 * @param name the section
	 * @return the section with its status
	 */
	@ReadOperation
	public WebEndpointResponse<Object> section(@Selector String name) {
		return read(this.delegate.section(name), () -> this.delegate.nothingAt(name, null));
	}

	/**
	 * Reads an item of a section, such as shard 0 or the dead letters of a table.
	 * @param name the section
	 * @param id the item
	 * @return the item with its status
	 */
	@ReadOperation
	public WebEndpointResponse<Object> item(@Selector String name, @Selector String id) {
		return read(this.delegate.item(name, id), () -> this.delegate.nothingAt(name, id));
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

	private static WebEndpointResponse<Object> read(@Nullable Object body, Supplier<String> nothing) {
		if (body == null) {
			return new WebEndpointResponse<>(Map.of("message", nothing.get()), WebEndpointResponse.STATUS_NOT_FOUND);
		}
		int status = (body instanceof OperationResult result) ? result.outcome().status() : WebEndpointResponse.STATUS_OK;
		return new WebEndpointResponse<>(body, status);
	}

	private static WebEndpointResponse<OperationResult> response(OperationResult result) {
		return new WebEndpointResponse<>(result, result.outcome().status());
	}

}
