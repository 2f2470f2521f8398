/**
 * The applier: applies replicated changes in batches with their stream position.
 */
@NullMarked
package io.harmonylite.apply;

import org.jspecify.annotations.NullMarked;
