/**
 * Benchmarks that print figures: capture overhead, apply rate and end-to-end replication. Run with
 * {@code ./benchmark}.
 */
@NullMarked
package io.harmonylite.bench;

import org.jspecify.annotations.NullMarked;
