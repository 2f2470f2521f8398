package io.harmonylite.sample;

import java.util.OptionalInt;

import io.harmonylite.sample.cli.NodeCommands;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the Books and notes demo, or, with the {@code node} profile, a standalone HarmonyLite node for any SQLite
 * file. The one-shot commands ({@code --schema-status}, {@code --schema-status-cluster}, {@code --cleanup},
 * {@code --version}) are answered before anything starts.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class HarmonyLiteSampleApplication {

	/** Profile that turns the application into a standalone node: no migrations, no Books API, no notes page. */
	public static final String NODE_PROFILE = "node";

	/**
	 * Answers a one-shot command and exits with its code, or starts the application.
	 * @param args the command-line arguments: Spring properties, and at most one command flag
	 */
	public static void main(String[] args) {
		OptionalInt exitCode = NodeCommands.run(args, System.out, System.err);
		if (exitCode.isPresent()) {
			System.exit(exitCode.getAsInt());
		}
		SpringApplication.run(HarmonyLiteSampleApplication.class, args);
	}

}
