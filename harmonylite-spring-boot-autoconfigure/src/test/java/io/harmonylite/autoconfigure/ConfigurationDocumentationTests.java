package io.harmonylite.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the generated configuration metadata is complete, that {@code docs/configuration.md} documents every
 * {@code harmonylite.*} property in it, and {@code docs/operations.md} the endpoint's {@code management.*} ones.
 */
class ConfigurationDocumentationTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOCUMENTATION = Path.of("../docs/configuration.md");

	private static final Path OPERATIONS = Path.of("../docs/operations.md");

	@Test
	void metadataShouldDescribeEveryProperty() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(METADATA), "$.properties[*]");

		assertThat(properties).hasSizeGreaterThanOrEqualTo(30)
			.allSatisfy((property) -> assertThat(property.get("description")).as("description of %s", property.get("name"))
				.asString()
				.isNotBlank());
	}

	@Test
	void metadataShouldKnowTheHealthIndicatorFlag() throws IOException {
		List<Map<String, Object>> flags = JsonPath.read(Files.readString(METADATA),
				"$.properties[?(@.name == 'management.health.harmonylite.enabled')]");

		assertThat(flags).singleElement()
			.satisfies((flag) -> assertThat(flag).containsEntry("type", "java.lang.Boolean")
				.containsEntry("defaultValue", true));
	}

	@Test
	void valueHintsShouldNameExistingProperties() throws IOException {
		String metadata = Files.readString(METADATA);
		List<String> names = JsonPath.read(metadata, "$.properties[*].name");
		List<String> hinted = JsonPath.read(metadata, "$.hints[*].name");

		assertThat(hinted).isNotEmpty().allSatisfy((name) -> assertThat(names).as("hint %s", name).contains(name));
	}

	@Test
	void deprecatedPropertiesShouldNameAnExistingReplacement() throws IOException {
		String metadata = Files.readString(METADATA);
		List<String> names = JsonPath.read(metadata, "$.properties[*].name");
		List<String> replacements = JsonPath.read(metadata, "$.properties[?(@.deprecated == true)].deprecation.replacement");

		assertThat(replacements).contains("harmonylite.nats.ssl.bundle")
			.allSatisfy((replacement) -> assertThat(names).contains(replacement));
	}

	@Test
	void documentationShouldListEveryProperty() throws IOException {
		List<String> names = JsonPath.read(Files.readString(METADATA), "$.properties[*].name");
		String documentation = Files.readString(DOCUMENTATION);

		assertThat(names).filteredOn((name) -> name.startsWith("harmonylite."))
			.isNotEmpty()
			.allSatisfy((name) -> assertThat(documentation).as("docs/configuration.md").contains("`" + name + "`"));
	}

	@Test
	void operationsGuideShouldListEveryEndpointProperty() throws IOException {
		List<String> names = JsonPath.read(Files.readString(METADATA), "$.properties[*].name");
		String operations = Files.readString(OPERATIONS);

		assertThat(names).filteredOn((name) -> name.startsWith("management."))
			.contains("management.endpoint.harmonylite.access")
			.allSatisfy((name) -> assertThat(operations).as("docs/operations.md").contains("`" + name + "`"));
	}

}
