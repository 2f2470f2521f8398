package io.harmonylite.node.cli;

import io.harmonylite.autoconfigure.HarmonyLiteAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * The application context of a one-shot command: the node's configuration, bound by the same auto-configuration as
 * a running node from the same properties, and nothing else: no web server, and {@code harmonylite.auto-startup=false}
 * (set by {@link NodeCommands}), so the engine is built but never started.
 * <p>
 * Deliberately not a {@code @Configuration}: the application's component scan must not pick it up.
 */
@ImportAutoConfiguration(HarmonyLiteAutoConfiguration.class)
class CommandContext {

}
