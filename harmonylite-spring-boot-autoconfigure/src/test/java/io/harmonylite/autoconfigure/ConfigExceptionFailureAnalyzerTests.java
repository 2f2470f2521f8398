package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.harmonylite.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConfigExceptionFailureAnalyzer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigExceptionFailureAnalyzerTests {

	@TempDir
	Path tempDir;

	@Test
	void analyzeWhenConfigExceptionIsNestedShouldDescribePropertyAndReason() {
		BeanCreationException failure = new BeanCreationException("harmonyLiteEngine",
				new ConfigException("harmonylite.nats.tls.key-file", "the client certificate and key must be set together"));

		FailureAnalysis analysis = new ConfigExceptionFailureAnalyzer().analyze(failure);

		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property: harmonylite.nats.tls.key-file")
			.contains("Reason: the client certificate and key must be set together")
			.doesNotContain("Invalid configuration property");
		assertThat(analysis.getAction()).contains("set 'harmonylite.nats.tls.key-file'")
			.contains("--harmonylite.nats.tls.key-file=")
			.contains("HARMONYLITE_NATS_TLS_KEYFILE");
		assertThat(analysis.getCause()).isInstanceOf(ConfigException.class);
	}

	@Test
	void analyzeWhenNoConfigExceptionShouldReturnNull() {
		assertThat(new ConfigExceptionFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void analyzerShouldBeRegisteredInSpringFactories() {
		// Other analyzers need constructor arguments that only Spring Boot supplies; skip them.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, (factoryType, implementationName, failure) -> {
			});

		assertThat(analyzers).hasAtLeastOneElementOfType(ConfigExceptionFailureAnalyzer.class);
	}

	@Test
	void startupWithInvalidPropertyShouldReportAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(HarmonyLiteOnly.class);
		application.setWebApplicationType(WebApplicationType.NONE);

		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> application
			.run("--harmonylite.node-id=-4", "--harmonylite.db-path=" + this.tempDir.resolve("app.db")));

		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: harmonylite.node-id")
			.contains("must be a positive number unique in the cluster, was -4")
			.contains("set 'harmonylite.node-id' to a valid value");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(HarmonyLiteAutoConfiguration.class)
	static class HarmonyLiteOnly {

	}

}
