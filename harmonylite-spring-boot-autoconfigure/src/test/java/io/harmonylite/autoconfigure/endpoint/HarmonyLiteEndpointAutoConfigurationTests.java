package io.harmonylite.autoconfigure.endpoint;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.HarmonyLiteEngine;
import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperationParameter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link HarmonyLiteEndpointAutoConfiguration}.
 */
class HarmonyLiteEndpointAutoConfigurationTests {

	@TempDir
	static Path dir;

	private static final AutoConfigurations JMX = AutoConfigurations.of(JmxAutoConfiguration.class,
			EndpointAutoConfiguration.class, JmxEndpointAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HarmonyLiteEndpointAutoConfiguration.class))
		.withBean(HarmonyLiteEngine.class, () -> EngineStatuses.unstartedEngine(dir));

	@Test
	void runWhenExposedShouldHaveEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEndpoint.class));
	}

	@Test
	void runWhenExposedShouldDiscoverOnlyTheReadOperationsByDefault() {
		// Discovery reads the @Selector parameter's name from the bytecode (compiled with -parameters).
		this.contextRunner.withConfiguration(JMX)
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylite")
			.run((context) -> assertThat(jmxOperations(context)).containsExactlyInAnyOrder(tuple("node", List.of()),
					tuple("section", List.of("name")), tuple("item", List.of("name", "id"))));
	}

	@Test
	void runWhenAccessIsUnrestrictedShouldAlsoDiscoverTheWriteOperations() {
		this.contextRunner.withConfiguration(JMX)
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylite",
					"management.endpoint.harmonylite.access=UNRESTRICTED")
			.run((context) -> assertThat(jmxOperations(context)).contains(tuple("act", List.of("name", "action")),
					tuple("actOn", List.of("name", "id", "action"))));
	}

	@Test
	void runWhenExposedShouldRegisterTheOperationsOnTheEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.run((context) -> {
				assertThat(context).hasSingleBean(PauseShardOperation.class)
					.hasSingleBean(ResumeShardOperation.class)
					.hasSingleBean(SkipBlockedMessageOperation.class)
					.hasSingleBean(SkipBlockedMessageOperation.Show.class)
					.hasSingleBean(ReapplyDeadLettersOperation.class)
					.hasSingleBean(ReapplyDeadLettersOperation.Listing.class)
					.hasSingleBean(UninstallCaptureOperation.class);
				assertThat(context.getBean(HarmonyLiteEndpoint.class).actOn("shards", "0", "skip").message())
					.contains("is not started");
				OperationResult result = context.getBean(HarmonyLiteEndpoint.class).actOn("shards", "0", "pause");
				assertThat(result.outcome()).as(result.message()).isEqualTo(OperationResult.Outcome.CONFLICT);
				assertThat(result.message()).contains("is not started");
			});
	}

	@Test
	void runWithAUserOperationShouldAddItToTheEndpoint() {
		HarmonyLiteOperation custom = new HarmonyLiteOperation() {

			@Override
			public String target() {
				return "custom";
			}

			@Override
			public String action() {
				return "poke";
			}

			@Override
			public OperationResult run(@Nullable String id) {
				return OperationResult.done(this, id, "poked", null);
			}

		};
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.withBean("customOperation", HarmonyLiteOperation.class, () -> custom)
			.run((context) -> assertThat(context.getBean(HarmonyLiteEndpoint.class).act("custom", "poke").message())
				.isEqualTo("poked"));
	}

	@Test
	void runWhenExposedOverWebShouldHaveTheWebExtension() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEndpointWebExtension.class));
	}

	@Test
	void runWhenExposedOnlyOverJmxShouldNotHaveTheWebExtension() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=harmonylite")
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEndpoint.class)
				.doesNotHaveBean(HarmonyLiteEndpointWebExtension.class));
	}

	private static List<Tuple> jmxOperations(AssertableApplicationContext context) {
		return context.getBean(JmxEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().equals(EndpointId.of("harmonylite")))
			.flatMap((endpoint) -> endpoint.getOperations().stream())
			.map((operation) -> tuple(operation.getName(),
					operation.getParameters().stream().map(JmxOperationParameter::getName).toList()))
			.toList();
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
