package io.harmonylite.autoconfigure.endpoint;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.jmx.JmxEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperationParameter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SnapshotsEndpointAutoConfiguration}.
 */
class SnapshotsEndpointAutoConfigurationTests {

	@TempDir
	static Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SnapshotsEndpointAutoConfiguration.class))
		.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir));

	@Test
	void runWhenExposedShouldHaveEndpointAndWebExtensionBeans() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylitesnapshots")
			.run((context) -> assertThat(context).hasSingleBean(SnapshotsEndpoint.class)
				.hasSingleBean(SnapshotsEndpointWebExtension.class));
	}

	@Test
	void runWhenUnrestrictedShouldDiscoverListTakeAndRestoreOperations() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
					JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylitesnapshots",
					"management.endpoint.harmonylitesnapshots.access=UNRESTRICTED")
			.run((context) -> assertThat(operations(context)).containsExactlyInAnyOrder(tuple("snapshots", List.of()),
					tuple("take", List.of()), tuple("restore", List.of("id"))));
	}

	@Test
	void runByDefaultShouldOnlyList() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
					JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylitesnapshots")
			.run((context) -> assertThat(operations(context)).containsExactly(tuple("snapshots", List.of())));
	}

	private static List<org.assertj.core.groups.Tuple> operations(
			org.springframework.context.ApplicationContext context) {
		return context.getBean(JmxEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().equals(EndpointId.of(SnapshotsEndpoint.ID)))
			.flatMap((endpoint) -> endpoint.getOperations().stream())
			.map((operation) -> tuple(operation.getName(),
					operation.getParameters().stream().map(JmxOperationParameter::getName).toList()))
			.toList();
	}

	@Test
	void runWhenNotExposedShouldNotHaveEndpointBean() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SnapshotsEndpoint.class));
	}

	@Test
	void runWithUserEndpointShouldBackOff() {
		SnapshotsEndpoint userEndpoint = new SnapshotsEndpoint(EngineStatuses.unstartedEngine(dir));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylitesnapshots")
			.withBean("userEndpoint", SnapshotsEndpoint.class, () -> userEndpoint)
			.run((context) -> assertThat(context).getBean(SnapshotsEndpoint.class).isSameAs(userEndpoint));
	}

}
