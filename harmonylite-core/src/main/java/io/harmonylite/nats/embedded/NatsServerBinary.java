package io.harmonylite.nats.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.harmonylite.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code nats-server} executable an embedded server runs, and its version as {@code nats-server --version}
 * reports it.
 *
 * @param path the executable
 * @param version its version, or {@code null} when it printed none
 * @since 0.1.0
 */
public record NatsServerBinary(Path path, @Nullable NatsServerVersion version) {

	private static final String NAME = "nats-server";

	/** Where distributions install nats-server outside a normal user's PATH (Debian: /usr/sbin). */
	private static final List<Path> EXTRA_SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"),
			Path.of("/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/bin"));

	private static final String INSTALL_HINT = "Install nats-server 2.10 or newer (Debian/Ubuntu: the project's "
			+ ".ci/install-nats-server; otherwise https://github.com/nats-io/nats-server/releases)";

	/**
	 * The directories searched when no binary is configured: the PATH, then where distributions install it.
	 * @return the directories, in search order
	 */
	public static List<Path> defaultSearchDirs() {
		Set<Path> dirs = new LinkedHashSet<>();
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				if (!entry.isBlank()) {
					dirs.add(Path.of(entry));
				}
			}
		}
		dirs.addAll(EXTRA_SEARCH_DIRS);
		return new ArrayList<>(dirs);
	}

	/**
	 * Finds the executable and asks it for its version.
	 * @param configured {@code harmonylite.nats.embedded.binary}, or {@code null} to search
	 * @param searchDirs where to search when none is configured
	 * @return the binary
	 * @throws ConfigException when the configured file is not executable
	 * @throws NatsServerNotFoundException when the search finds none
	 */
	public static NatsServerBinary locate(@Nullable Path configured, List<Path> searchDirs) {
		Path path = resolve(configured, searchDirs);
		return new NatsServerBinary(path, NatsServerVersion.parse(versionOutput(path)));
	}

	private static Path resolve(@Nullable Path configured, List<Path> searchDirs) {
		if (configured != null) {
			if (!Files.isRegularFile(configured) || !Files.isExecutable(configured)) {
				throw new ConfigException("harmonylite.nats.embedded.binary", "'" + configured
						+ "' is not an executable file. Point it to nats-server (" + INSTALL_HINT
						+ "; 'apt-get install nats-server' installs an older one on Debian 12), or set "
						+ "harmonylite.nats.urls to use external NATS servers instead of the embedded one.");
			}
			return configured;
		}
		for (Path dir : searchDirs) {
			Path candidate = dir.resolve(NAME);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new NatsServerNotFoundException("The embedded NATS mode (no harmonylite.nats.urls configured) needs the "
				+ "nats-server executable, but it was not found in " + searchDirs + ". " + INSTALL_HINT
				+ " ('apt-get install nats-server' works too, but Debian 12's 2.9 cannot sync every write), or set "
				+ "harmonylite.nats.embedded.binary to its path, or set harmonylite.nats.urls to use external NATS "
				+ "servers instead.");
	}

	private static @Nullable String versionOutput(Path path) {
		try {
			Process process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readNBytes(4096);
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return null;
			}
			return new String(output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Whether this binary can sync every write before acknowledging it; an unknown version is assumed recent.
	 * @return {@code false} only for a known version older than 2.10
	 */
	public boolean supportsSyncAlways() {
		return this.version == null || this.version.supportsSyncAlways();
	}

}
