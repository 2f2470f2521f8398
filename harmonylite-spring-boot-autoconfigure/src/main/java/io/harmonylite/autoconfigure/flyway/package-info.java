/**
 * Flyway integration: migrations take the engine through its schema-change path.
 */
@NullMarked
package io.harmonylite.autoconfigure.flyway;

import org.jspecify.annotations.NullMarked;
