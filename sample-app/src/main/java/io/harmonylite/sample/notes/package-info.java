/**
 * The notes web page: a table created by a Flyway migration, a JSON API over it, and the serving node's replication
 * status.
 */
@NullMarked
package io.harmonylite.sample.notes;

import org.jspecify.annotations.NullMarked;
