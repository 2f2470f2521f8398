/**
 * Liquibase integration: a Liquibase update takes the engine through its schema-change path.
 */
@NullMarked
package io.harmonylite.autoconfigure.liquibase;

import org.jspecify.annotations.NullMarked;
