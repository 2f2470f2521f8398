package io.harmonylite.testsupport;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The log events one class logs during each test. Register it on an instance field:
 * <pre>
 * &#64;RegisterExtension
 * final CapturedLogs logs = CapturedLogs.of(ApplyLoop.class);
 * </pre>
 *
 * @since 0.1.0
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private @Nullable Level levelBefore;

	private CapturedLogs(Class<?> source) {
		this.logger = (Logger) LoggerFactory.getLogger(source);
	}

	/**
	 * Captures what a class logs.
	 * @param source the class whose logger is captured
	 * @return the extension
	 */
	public static CapturedLogs of(Class<?> source) {
		return new CapturedLogs(source);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.appender.list.clear();
		this.levelBefore = this.logger.getLevel();
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.logger.detachAppender(this.appender);
		this.appender.stop();
		this.logger.setLevel(this.levelBefore);
	}

	/**
	 * Logs only events at this level or above for the rest of the test, e.g. for a test that logs a lot.
	 * @param level the lowest level logged
	 */
	public void logOnlyFrom(Level level) {
		this.logger.setLevel(level);
	}

	/**
	 * The events logged so far in this test, oldest first.
	 * @return a copy of the events
	 */
	public List<ILoggingEvent> events() {
		synchronized (this.appender) {
			return List.copyOf(this.appender.list);
		}
	}

	/**
	 * The formatted messages logged at a level so far in this test, oldest first.
	 * @param level the level
	 * @return the messages
	 */
	public List<String> messages(Level level) {
		return events().stream()
			.filter((event) -> event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	/**
	 * Forgets the events logged so far, to look at what a later step logs.
	 */
	public void clear() {
		synchronized (this.appender) {
			this.appender.list.clear();
		}
	}

}
