package io.harmonylite.autoconfigure;

import java.nio.file.Path;

import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.nats.NatsConfig;
import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured engine's lifecycle against a real nats-server: it starts with the application context (unless
 * {@code harmonylite.auto-startup=false}) and stops when the context closes.
 */
class HarmonyLiteAutoConfigurationIntegrationTests {

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@TempDir
	Path tempDir;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=1", "harmonylite.nats.urls=" + nats.url(),
					"harmonylite.replication.stream-prefix=autoconfigure-it",
					"harmonylite.replication.subject-prefix=autoconfigure-it-subject",
					"spring.datasource.url=jdbc:sqlite:" + this.tempDir.resolve("app.db"));
	}

	@Test
	void runShouldStartEngineWithContextAndStopItOnClose() {
		HarmonyLiteEngine[] engine = new HarmonyLiteEngine[1];
		contextRunner().run((context) -> {
			engine[0] = context.getBean(HarmonyLiteEngine.class);
			assertThat(engine[0].isRunning()).isTrue();
			assertThat(context.getBean(EngineStartStopLifecycle.class).isRunning()).isTrue();
		});
		assertThat(engine[0].isRunning()).isFalse();
	}

	@Test
	void runWithUserEngineShouldStartIt() {
		HarmonyLiteEngine userEngine = HarmonyLiteEngine
			.builder(HarmonyLiteConfig.builder()
				.nodeId(42)
				.dbPath(this.tempDir.resolve("user.db"))
				.nats(NatsConfig.external(nats.url()))
				.build())
			.build();
		contextRunner().withBean("userEngine", HarmonyLiteEngine.class, () -> userEngine)
			.run((context) -> assertThat(userEngine.isRunning()).isTrue());
		assertThat(userEngine.isRunning()).isFalse();
	}

	@Test
	void runWithAutoStartupDisabledShouldStartOnlyWhenTheContextIsStarted() {
		contextRunner().withPropertyValues("harmonylite.auto-startup=false").run((context) -> {
			HarmonyLiteEngine engine = context.getBean(HarmonyLiteEngine.class);
			assertThat(engine.isRunning()).isFalse();

			context.start();

			assertThat(engine.isRunning()).isTrue();
		});
	}

}
