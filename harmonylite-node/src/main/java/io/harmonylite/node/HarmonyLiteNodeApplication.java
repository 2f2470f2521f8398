package io.harmonylite.node;

import java.util.OptionalInt;

import io.harmonylite.node.cli.NodeCommands;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The standalone HarmonyLite node: replicates any SQLite file, whatever application writes it, and never changes its
 * schema beyond HarmonyLite's own tables and triggers. It serves only the Actuator endpoints. The one-shot commands
 * ({@code --schema-status}, {@code --schema-status-cluster}, {@code --cleanup}, the snapshot commands, {@code --version})
 * are answered before anything starts. The root launcher {@code ./harmonylite} runs it with the original tool's flags.
 *
 * @since 0.1.0
 */
// The engine opens the file itself; the starter's JDBC support must not make a DataSource that nothing configures.
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class HarmonyLiteNodeApplication {

	/**
	 * Answers a one-shot command and exits with its code, or starts the node.
	 * @param args the command-line arguments: Spring properties, and at most one command flag
	 */
	public static void main(String[] args) {
		OptionalInt exitCode = NodeCommands.run(args, System.out, System.err);
		if (exitCode.isPresent()) {
			System.exit(exitCode.getAsInt());
		}
		SpringApplication application = new SpringApplication(HarmonyLiteNodeApplication.class);
		application.addListeners(new HttpPortPreflight());
		application.run(args);
	}

}
