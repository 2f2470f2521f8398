/**
 * HarmonyLite: leaderless SQLite replication over NATS JetStream.
 */
@NullMarked
package io.harmonylite;

import org.jspecify.annotations.NullMarked;
