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
 * Checks that the generated configuration metadata is complete and that {@code docs/configuration.md} documents every
 * property in it.
 */
class ConfigurationDocumentationTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOCUMENTATION = Path.of("../docs/configuration.md");

	@Test
	void metadataShouldDescribeEveryProperty() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(METADATA), "$.properties[*]");

		assertThat(properties).hasSizeGreaterThanOrEqualTo(30)
			.allSatisfy((property) -> assertThat(property.get("description")).as("description of %s", property.get("name"))
				.asString()
				.isNotBlank());
	}

	@Test
	void documentationShouldListEveryProperty() throws IOException {
		List<String> names = JsonPath.read(Files.readString(METADATA), "$.properties[*].name");
		String documentation = Files.readString(DOCUMENTATION);

		assertThat(names).isNotEmpty()
			.allSatisfy((name) -> assertThat(documentation).as("docs/configuration.md").contains("`" + name + "`"));
	}

}
