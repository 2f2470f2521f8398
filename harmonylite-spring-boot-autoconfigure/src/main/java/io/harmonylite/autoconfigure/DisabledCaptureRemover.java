package io.harmonylite.autoconfigure;

import java.nio.file.Path;

import io.harmonylite.capture.CaptureRemoval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * Removes HarmonyLite's triggers and tables from the database when the application starts with
 * {@code harmonylite.enabled=false} and {@code harmonylite.uninstall-when-disabled=true}, before Flyway or Liquibase
 * migrate it: without the engine, nothing would ever send or clean up what the triggers keep capturing.
 */
class DisabledCaptureRemover implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(DisabledCaptureRemover.class);

	private final Path database;

	DisabledCaptureRemover(Path database) {
		this.database = database;
	}

	@Override
	public void afterPropertiesSet() {
		CaptureRemoval removed = CaptureRemoval.uninstall(this.database);
		if (removed.objectsDropped() > 0) {
			logger.warn("harmonylite.enabled=false and harmonylite.uninstall-when-disabled=true: {}",
					removed.describe());
		}
		else {
			logger.debug("harmonylite.enabled=false: no HarmonyLite capture in {}", this.database);
		}
	}

}
