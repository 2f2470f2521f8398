package io.harmonylite.autoconfigure;

import io.harmonylite.engine.HarmonyLiteEngine;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link HarmonyLiteEngine} once every singleton is created (so after Flyway migrations, which run during
 * bean initialization) and stops it before singletons, such as the DataSource, are destroyed.
 * <p>
 * Its phase is below the web server's, so capture runs before the first request is served and in-flight changes are
 * flushed after the web server has stopped. With {@code harmonylite.auto-startup=false} the context does not start it;
 * an explicit {@code start()} of the context does.
 */
class EngineStartStopLifecycle implements SmartLifecycle {

	/** Before the web server ({@code SmartLifecycle.DEFAULT_PHASE - 2048}) and graceful shutdown. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final HarmonyLiteEngine engine;

	private final boolean autoStartup;

	EngineStartStopLifecycle(HarmonyLiteEngine engine, boolean autoStartup) {
		this.engine = engine;
		this.autoStartup = autoStartup;
	}

	@Override
	public void start() {
		this.engine.start();
	}

	@Override
	public void stop() {
		this.engine.close();
	}

	@Override
	public boolean isRunning() {
		return this.engine.isRunning();
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
