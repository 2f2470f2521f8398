package io.harmonylite.autoconfigure.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.harmonylite.engine.EngineStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last {@link EngineStatus} for a short time: building one asks JetStream for every shard's stream state,
 * and one scrape reads many gauges.
 */
final class StatusCache {

	private static final Logger logger = LoggerFactory.getLogger(StatusCache.class);

	private final Supplier<EngineStatus> source;

	private final long ttlNanos;

	private final LongSupplier nanoTime;

	private @Nullable EngineStatus last;

	private long readAt;

	StatusCache(Supplier<EngineStatus> source, Duration ttl) {
		this(source, ttl, System::nanoTime);
	}

	StatusCache(Supplier<EngineStatus> source, Duration ttl, LongSupplier nanoTime) {
		this.source = source;
		this.ttlNanos = ttl.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * The status, read again when the cached one is older than the time to live.
	 * @return the status
	 */
	synchronized EngineStatus get() {
		long now = this.nanoTime.getAsLong();
		EngineStatus cached = this.last;
		if (cached != null && now - this.readAt < this.ttlNanos) {
			return cached;
		}
		try {
			EngineStatus fresh = this.source.get();
			this.last = fresh;
			this.readAt = now;
			return fresh;
		}
		catch (RuntimeException ex) {
			if (cached == null) {
				throw ex;
			}
			logger.debug("Could not read the node status, keeping the previous one: {}", ex.getMessage());
			return cached;
		}
	}

}
