/**
 * The standalone HarmonyLite node: a Spring Boot application around the engine, with default ports per node.
 */
@NullMarked
package io.harmonylite.node;

import org.jspecify.annotations.NullMarked;
