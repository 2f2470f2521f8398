/**
 * Change events and their wire codec; depends on nothing else.
 */
@NullMarked
package io.harmonylite.event;

import org.jspecify.annotations.NullMarked;
