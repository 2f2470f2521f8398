package io.harmonylite.nats.embedded;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A {@code nats-server} version, as {@code nats-server --version} prints it or a connected server reports it.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 * @since 0.1.0
 */
public record NatsServerVersion(int major, int minor, int patch) implements Comparable<NatsServerVersion> {

	/** The first version with {@code sync_interval}: older servers acknowledge before their files are synced. */
	public static final NatsServerVersion DURABLE_SYNC = new NatsServerVersion(2, 10, 0);

	private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");

	/**
	 * Finds the first {@code major.minor.patch} in a text such as {@code nats-server: v2.10.27} or {@code 2.9.10}.
	 * @param text the text
	 * @return the version, or {@code null} when there is none
	 */
	public static @Nullable NatsServerVersion parse(@Nullable String text) {
		if (text == null) {
			return null;
		}
		Matcher matcher = VERSION.matcher(text);
		if (!matcher.find()) {
			return null;
		}
		return new NatsServerVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
				Integer.parseInt(matcher.group(3)));
	}

	/**
	 * Whether this server can sync every write before acknowledging it ({@code sync_interval: always}).
	 * @return {@code true} from 2.10 on
	 */
	public boolean supportsSyncAlways() {
		return compareTo(DURABLE_SYNC) >= 0;
	}

	@Override
	public int compareTo(NatsServerVersion other) {
		int result = Integer.compare(this.major, other.major);
		if (result == 0) {
			result = Integer.compare(this.minor, other.minor);
		}
		return (result != 0) ? result : Integer.compare(this.patch, other.patch);
	}

	@Override
	public String toString() {
		return this.major + "." + this.minor + "." + this.patch;
	}

}
