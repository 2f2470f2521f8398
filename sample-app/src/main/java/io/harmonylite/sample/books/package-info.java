/**
 * The Books demo: a table created by a Flyway migration and a small REST API over it.
 */
@NullMarked
package io.harmonylite.sample.books;

import org.jspecify.annotations.NullMarked;
