package io.harmonylite.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.harmonylite.ConfigException;
import io.harmonylite.HarmonyLiteException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteStartupFailureAnalyzer}.
 */
class HarmonyLiteStartupFailureAnalyzerTests {

	@Test
	void anyHarmonyLiteFailureShouldBeReportedWithItsMessage() {
		BeanCreationException failure = new BeanCreationException("harmonyLiteEngine", new HarmonyLiteException(
				"Could not create stream harmonylite-changes-0: insufficient resources. Start the other nodes."));

		FailureAnalysis analysis = new HarmonyLiteStartupFailureAnalyzer().analyze(failure);

		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith("HarmonyLite could not start.")
			.contains("Reason: Could not create stream harmonylite-changes-0: insufficient resources. Start the other "
					+ "nodes.");
		assertThat(analysis.getAction()).contains("Do what the reason names", "docs/configuration.md");
	}

	@Test
	void failureWithAReportOfItsOwnShouldBeReportedByItsAnalyzerNotThisOne() {
		// As Spring Boot does: the registered analyzers in their order, the first analysis wins.
		List<FailureAnalyzer> analyzers = new ArrayList<>(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, (factoryType, implementationName, failure) -> {
			}));
		AnnotationAwareOrderComparator.sort(analyzers);
		BeanCreationException failure = new BeanCreationException("harmonyLiteEngine",
				new ConfigException("harmonylite.replication.replicas", "is 3, but the NATS server is not clustered"));

		FailureAnalysis first = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow();

		assertThat(first.getDescription()).contains("Property: harmonylite.replication.replicas");
		assertThat(analyzers).hasAtLeastOneElementOfType(HarmonyLiteStartupFailureAnalyzer.class);
	}

}
