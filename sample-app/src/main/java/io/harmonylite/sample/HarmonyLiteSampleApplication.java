package io.harmonylite.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the Books demo, or, with the {@code node} profile, a standalone HarmonyLite node for any SQLite file.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class HarmonyLiteSampleApplication {

	/** Profile that turns the application into a standalone node: no migrations, no Books API. */
	public static final String NODE_PROFILE = "node";

	public static void main(String[] args) {
		SpringApplication.run(HarmonyLiteSampleApplication.class, args);
	}

}
