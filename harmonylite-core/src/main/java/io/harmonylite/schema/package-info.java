/**
 * Schema introspection, hashing and the schema state machine.
 */
@NullMarked
package io.harmonylite.schema;

import org.jspecify.annotations.NullMarked;
