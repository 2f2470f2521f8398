package io.harmonylite.replicate;

/**
 * A local change that can never be published (e.g. too large) and was marked failed in the change log.
 *
 * @param changeId its id in the change log
 * @param table its table
 * @param key its primary-key values, as text
 * @param reason why it cannot be published, with the fix
 * @since 0.1.0
 */
public record RejectedChange(long changeId, String table, String key, String reason) {
}
