package io.harmonylite.node.cli;

import java.util.Iterator;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Sends a one-shot command's log lines (the WARNs of a NATS that does not answer, say) to standard error, so that
 * standard output holds only the command's result, which scripts and CI gates parse.
 */
final class ConsoleLogs {

	private static final String STANDARD_ERROR = "System.err";

	private ConsoleLogs() {
	}

	/**
	 * Points every console appender at standard error; does nothing with another logging backend.
	 */
	static void toStandardError() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		for (ch.qos.logback.classic.Logger logger : context.getLoggerList()) {
			Iterator<Appender<ILoggingEvent>> appenders = logger.iteratorForAppenders();
			while (appenders.hasNext()) {
				if (appenders.next() instanceof ConsoleAppender<ILoggingEvent> console
						&& !STANDARD_ERROR.equals(console.getTarget())) {
					console.stop();
					console.setTarget(STANDARD_ERROR);
					console.start();
				}
			}
		}
	}

}
