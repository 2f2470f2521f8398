/**
 * Test support shared through the core test-jar: real {@code nats-server} processes and clusters, test certificates.
 */
@NullMarked
package io.harmonylite.testsupport;

import org.jspecify.annotations.NullMarked;
