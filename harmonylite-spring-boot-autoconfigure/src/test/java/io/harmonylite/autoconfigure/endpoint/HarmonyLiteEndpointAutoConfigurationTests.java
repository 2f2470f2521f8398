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
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperationParameter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link HarmonyLiteEndpointAutoConfiguration}.
 */
class HarmonyLiteEndpointAutoConfigurationTests {

	@TempDir
	static Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HarmonyLiteEndpointAutoConfiguration.class))
		.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir));

	@Test
	void runWhenExposedShouldHaveEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWhenExposedShouldDiscoverNodeAndSectionOperations() {
		// Discovery reads the @Selector parameter's name from the bytecode (compiled with -parameters).
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
					JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylite")
			.run((context) -> assertThat(context.getBean(JmxEndpointsSupplier.class).getEndpoints())
				.filteredOn((endpoint) -> endpoint.getEndpointId().equals(EndpointId.of("harmonylite")))
				.singleElement()
				.satisfies((endpoint) -> assertThat(endpoint.getOperations())
					.extracting(JmxOperation::getName,
							(operation) -> operation.getParameters().stream().map(JmxOperationParameter::getName).toList())
					.containsExactlyInAnyOrder(tuple("node", List.of()), tuple("section", List.of("name")))));
	}

	@Test
	void runWhenExposedOverJmxShouldHaveEndpointBean() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWhenNotExposedShouldNotHaveEndpointBean() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWhenAccessIsNoneShouldNotHaveEndpointBean() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=harmonylite",
					"management.endpoint.harmonylite.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWithoutEngineShouldNotHaveEndpointBean() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HarmonyLiteEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWhenActuatorIsAbsentShouldNotHaveEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWithUserEndpointShouldBackOff() {
		HarmonyLiteEndpoint userEndpoint = new HarmonyLiteEndpoint(EngineStatuses.unstartedEngine(dir));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.withBean("userEndpoint", HarmonyLiteEndpoint.class, () -> userEndpoint)
			.run((context) -> assertThat(context).getBean(HarmonyLiteEndpoint.class).isSameAs(userEndpoint));
	}

}
