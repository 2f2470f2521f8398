/**
 * A {@link io.harmonylite.snapshot.SnapshotStore} in an S3-compatible bucket.
 */
@NullMarked
package io.harmonylite.snapshot.s3;

import org.jspecify.annotations.NullMarked;
