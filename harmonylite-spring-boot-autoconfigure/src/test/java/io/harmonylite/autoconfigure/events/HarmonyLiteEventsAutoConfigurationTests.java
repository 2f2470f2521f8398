package io.harmonylite.autoconfigure.events;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.ConfigException;
import io.harmonylite.apply.ReplicatedChange;
import io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration;
import io.harmonylite.autoconfigure.HarmonyLiteEngineCustomizer;
import io.harmonylite.event.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteEventsAutoConfiguration}.
 */
class HarmonyLiteEventsAutoConfigurationTests {

	@TempDir
	static Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(HarmonyLiteAutoConfiguration.class, HarmonyLiteEventsAutoConfiguration.class))
		.withPropertyValues("harmonylite.node-id=1", "harmonylite.db-path=" + dir.resolve("app.db"),
				"harmonylite.auto-startup=false");

	@Test
	void runShouldRegisterThePublishingListenerOnTheEngineBuilder() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ApplicationEventChangeListener.class)
				.hasBean("harmonyLiteApplicationEventCustomizer");
			assertThat(context.getBean("harmonyLiteApplicationEventCustomizer"))
				.isInstanceOf(HarmonyLiteEngineCustomizer.class);
		});
	}

	@Test
	void runWhenDisabledShouldNotPublishEvents() {
		this.contextRunner.withPropertyValues("harmonylite.events.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ApplicationEventChangeListener.class)
				.doesNotHaveBean("harmonyLiteApplicationEventCustomizer"));
	}

	@Test
	void runWhenHarmonyLiteIsDisabledShouldBackOff() {
		this.contextRunner.withPropertyValues("harmonylite.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ApplicationEventChangeListener.class));
	}

	@Test
	void runWithANonPositiveQueueCapacityShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("harmonylite.events.queue-capacity=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ConfigException.class)
				.hasMessageContaining("'harmonylite.events.queue-capacity': must be at least 1, was 0"));
	}

	@Test
	void runWithAUserListenerShouldBackOff() {
		ApplicationEventChangeListener user = new ApplicationEventChangeListener((event) -> {
		});
		this.contextRunner.withBean("userListener", ApplicationEventChangeListener.class, () -> user)
			.run((context) -> assertThat(context).getBean(ApplicationEventChangeListener.class).isSameAs(user));
	}

	@Test
	void listenerShouldPublishTheChangeAsAnApplicationEvent() {
		List<Object> published = new ArrayList<>();
		ReplicatedChange change = new ReplicatedChange("notes", Operation.UPDATE, Map.of("id", "n1"), 2,
				Instant.parse("2025-06-01T12:00:00Z"));

		new ApplicationEventChangeListener(published::add).replicated(change);

		assertThat(published).singleElement().isInstanceOfSatisfying(ReplicatedChangeEvent.class, (event) -> {
			assertThat(event.getChange()).isSameAs(change);
			assertThat(event.getTable()).isEqualTo("notes");
			assertThat(event.getOperation()).isEqualTo(Operation.UPDATE);
			assertThat(event.getKey()).containsExactly(Map.entry("id", "n1"));
			assertThat(event.getOriginNodeId()).isEqualTo(2);
			assertThat(event.getCommittedAt()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
		});
	}

}
