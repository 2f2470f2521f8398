package io.harmonylite.snapshot;

import org.jspecify.annotations.Nullable;

/**
 * Where an S3-compatible snapshot store is ({@code harmonylite.snapshot.s3.*}).
 *
 * @param endpoint the endpoint URL for S3-compatible servers (MinIO, Ceph, ...), {@code null} for AWS
 * @param region the region
 * @param bucket the bucket, which must exist
 * @param prefix the key prefix of every object, e.g. {@code harmonylite/prod/}
 * @param pathStyle whether to address the bucket in the path (most S3-compatible servers need it)
 * @param accessKeyId the access key id, {@code null} for the AWS SDK's default credentials
 * @param secretAccessKey the secret access key, {@code null} for the AWS SDK's default credentials
 * @since 0.1.0
 */
public record S3StoreConfig(@Nullable String endpoint, String region, @Nullable String bucket, String prefix,
		boolean pathStyle, @Nullable String accessKeyId, @Nullable String secretAccessKey) {

	/**
	 * No bucket yet: AWS defaults, region {@code us-east-1}, no prefix.
	 * @return the defaults
	 */
	public static S3StoreConfig defaults() {
		return new S3StoreConfig(null, "us-east-1", null, "", false, null, null);
	}

	@Override
	public String toString() {
		// Never the secret.
		return "S3StoreConfig[endpoint=" + this.endpoint + ", region=" + this.region + ", bucket=" + this.bucket
				+ ", prefix=" + this.prefix + ", pathStyle=" + this.pathStyle + "]";
	}

}
