package io.harmonylite.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Books and notes demo: a web application that uses the starter as any application would, replicating its SQLite
 * database with the other nodes of the cluster. The standalone node for any SQLite file is the
 * {@code harmonylite-node} module.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class HarmonyLiteSampleApplication {

	/**
	 * Starts the demo.
	 * @param args the command-line arguments, Spring properties
	 */
	public static void main(String[] args) {
		SpringApplication.run(HarmonyLiteSampleApplication.class, args);
	}

}
