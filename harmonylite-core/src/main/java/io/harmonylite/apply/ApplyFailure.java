package io.harmonylite.apply;

import java.sql.SQLException;

import io.harmonylite.HarmonyLiteException;
import org.jspecify.annotations.Nullable;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Classifies why SQLite refused to write a change, by its (extended) result code and never by the message text:
 * whether writing the same change again can ever succeed.
 * <p>
 * Permanent: every {@code SQLITE_CONSTRAINT_*} (NOT NULL, UNIQUE, PRIMARY KEY, CHECK, FOREIGN KEY, TRIGGER), a type
 * or size the column cannot take ({@code SQLITE_MISMATCH}, {@code SQLITE_TOOBIG}, {@code SQLITE_RANGE}), a statement
 * the schema cannot run ({@code SQLITE_ERROR}, such as no such column) and an authorizer's denial
 * ({@code SQLITE_AUTH}): the change is dead-lettered. So is a change this code failed to write with an unexpected
 * exception of its own ({@link ChangeApplyException} caused by a runtime exception other than a
 * {@link HarmonyLiteException}: a defect, or an input nobody foresaw): it fails the same way each time, and retrying it
 * would stop its shard on every node. Everything else is transient (busy or locked database, I/O error, full disk, out
 * of memory, read-only or corrupt file, a schema that changed meanwhile), and so is any other failure that is not
 * SQLite's (the node's own state, such as corrupt version rows, which names its fix): the batch is retried with
 * backoff and nothing is skipped.
 */
enum ApplyFailure {

	/** The change fails the same way whenever it is written here: dead-letter it. */
	PERMANENT,

	/** The database may accept the change later: retry with backoff. */
	TRANSIENT;

	// Primary result codes (the low byte of an extended code).
	private static final int ERROR = 1;

	private static final int TOOBIG = 18;

	private static final int CONSTRAINT = 19;

	private static final int MISMATCH = 20;

	private static final int AUTH = 23;

	private static final int RANGE = 25;

	/**
	 * Classifies a failure by the first SQLite error in its causes.
	 * @param failure the failure
	 * @return {@link #PERMANENT} for a deterministic SQLite refusal or an unexpected failure writing one change,
	 * otherwise {@link #TRANSIENT}
	 */
	static ApplyFailure of(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLiteException sqlite) {
				return of(sqlite.getResultCode());
			}
			if (cause instanceof SQLException) {
				return TRANSIENT;
			}
		}
		return (failure instanceof ChangeApplyException && isUnexpected(failure.getCause())) ? PERMANENT : TRANSIENT;
	}

	/**
	 * Whether a failure is an unexpected one of this code (a defect, or an input nobody foresaw) rather than a known
	 * failure, which names its cause.
	 * @param failure the failure
	 * @return {@code true} for a runtime exception other than a {@link HarmonyLiteException}
	 */
	static boolean isUnexpected(@Nullable Throwable failure) {
		return failure instanceof RuntimeException && !(failure instanceof HarmonyLiteException);
	}

	/**
	 * The name of the first SQLite result code in a failure's causes, for the operator.
	 * @param failure the failure
	 * @return e.g. {@code SQLITE_CONSTRAINT_NOTNULL}, or {@code no SQLite result code}
	 */
	static String resultCode(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLiteException sqlite) {
				return sqlite.getResultCode().name();
			}
		}
		return "no SQLite result code";
	}

	/**
	 * Classifies a result code.
	 * @param code the (extended) result code
	 * @return its class
	 */
	static ApplyFailure of(SQLiteErrorCode code) {
		return switch (code.code & 0xff) {
			case CONSTRAINT, MISMATCH, TOOBIG, RANGE, ERROR, AUTH -> PERMANENT;
			default -> TRANSIENT;
		};
	}

}
