package io.harmonylite.snapshot.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.harmonylite.snapshot.S3StoreConfig;
import io.harmonylite.snapshot.SnapshotException;
import io.harmonylite.snapshot.SnapshotManifest;
import io.harmonylite.snapshot.SnapshotMetadata;
import io.harmonylite.snapshot.SnapshotNotFoundException;
import io.harmonylite.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link SnapshotStore} in an S3-compatible bucket: {@code <prefix><id>.db.zst} and then {@code <prefix><id>.manifest}.
 * The bucket must exist; only objects under the prefix are read, written or deleted.
 *
 * @since 0.1.0
 */
public final class S3SnapshotStore implements SnapshotStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(S3SnapshotStore.class);

	private final S3Client client;

	private final String bucket;

	private final String prefix;

	private final boolean ownsClient;

	/**
	 * Creates a store on a client the caller owns.
	 * @param client the S3 client
	 * @param bucket the bucket, which must exist
	 * @param prefix the key prefix of every object, possibly empty
	 */
	public S3SnapshotStore(S3Client client, String bucket, String prefix) {
		this(client, bucket, prefix, false);
	}

	private S3SnapshotStore(S3Client client, String bucket, String prefix, boolean ownsClient) {
		this.client = Objects.requireNonNull(client, "client");
		this.bucket = Objects.requireNonNull(bucket, "bucket");
		this.prefix = Objects.requireNonNull(prefix, "prefix");
		this.ownsClient = ownsClient;
	}

	/**
	 * Creates a store with its own client, closed with the store.
	 * @param config the location ({@code harmonylite.snapshot.s3.*}), with a bucket
	 * @return the store
	 */
	public static S3SnapshotStore create(S3StoreConfig config) {
		String bucket = config.bucket();
		if (bucket == null || bucket.isBlank()) {
			throw new SnapshotException("No S3 bucket configured: set harmonylite.snapshot.s3.bucket");
		}
		S3ClientBuilder builder = S3Client.builder()
			.region(Region.of(config.region()))
			.forcePathStyle(config.pathStyle())
			// S3-compatible servers do not all accept the SDK's default checksum trailers.
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
		if (config.endpoint() != null) {
			builder.endpointOverride(URI.create(config.endpoint()));
		}
		if (config.accessKeyId() != null && config.secretAccessKey() != null) {
			builder.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())));
		}
		return new S3SnapshotStore(builder.build(), bucket, config.prefix(), true);
	}

	@Override
	public void put(SnapshotMetadata metadata, Path data) {
		try {
			this.client.putObject((request) -> request.bucket(this.bucket).key(dataKey(metadata.id())),
					RequestBody.fromFile(data));
			this.client.putObject((request) -> request.bucket(this.bucket).key(manifestKey(metadata.id()))
				.contentType("text/plain; charset=utf-8"), RequestBody.fromBytes(SnapshotManifest.encode(metadata)));
		}
		catch (SdkException ex) {
			throw failure("store snapshot " + metadata.id(), ex);
		}
	}

	@Override
	public List<SnapshotMetadata> list() {
		List<SnapshotMetadata> snapshots = new ArrayList<>();
		try {
			for (S3Object object : this.client
				.listObjectsV2Paginator((request) -> request.bucket(this.bucket).prefix(this.prefix))
				.contents()) {
				String key = object.key();
				String name = key.substring(this.prefix.length());
				if (!name.endsWith(SnapshotManifest.SUFFIX) || name.contains("/")) {
					continue;
				}
				try {
					snapshots.add(SnapshotManifest.decode(manifest(key).asByteArray(), describe(key)));
				}
				catch (NoSuchKeyException ex) {
					// Deleted while listing: no longer a snapshot.
				}
				catch (SnapshotException ex) {
					logger.warn("Skipping {}: {}", describe(key), ex.getMessage());
				}
			}
		}
		catch (SdkException ex) {
			throw failure("list the snapshots", ex);
		}
		snapshots.sort(SnapshotMetadata.NEWEST_FIRST);
		return snapshots;
	}

	@Override
	public SnapshotMetadata get(String id, Path target) {
		if (!SnapshotMetadata.isValidId(id)) {
			throw new SnapshotNotFoundException(id, toString());
		}
		try {
			SnapshotMetadata metadata = SnapshotManifest.decode(manifest(manifestKey(id)).asByteArray(),
					describe(manifestKey(id)));
			Files.deleteIfExists(target);
			this.client.getObject((request) -> request.bucket(this.bucket).key(dataKey(id)),
					ResponseTransformer.toFile(target));
			return metadata;
		}
		catch (NoSuchKeyException ex) {
			throw new SnapshotNotFoundException(id, toString());
		}
		catch (SdkException | IOException ex) {
			throw failure("read snapshot " + id, ex);
		}
	}

	@Override
	public void delete(String id) {
		if (!SnapshotMetadata.isValidId(id)) {
			return;
		}
		try {
			// The manifest first: from then on the snapshot is not listed, even if deleting the data fails.
			this.client.deleteObject((request) -> request.bucket(this.bucket).key(manifestKey(id)));
			this.client.deleteObject((request) -> request.bucket(this.bucket).key(dataKey(id)));
		}
		catch (SdkException ex) {
			throw failure("delete snapshot " + id, ex);
		}
	}

	/**
	 * Closes the client when this store created it.
	 */
	@Override
	public void close() {
		if (this.ownsClient) {
			this.client.close();
		}
	}

	private ResponseBytes<GetObjectResponse> manifest(String key) {
		return this.client.getObjectAsBytes((request) -> request.bucket(this.bucket).key(key));
	}

	private String dataKey(String id) {
		return this.prefix + SnapshotManifest.dataName(id);
	}

	private String manifestKey(String id) {
		return this.prefix + SnapshotManifest.manifestName(id);
	}

	private String describe(String key) {
		return "s3://" + this.bucket + "/" + key;
	}

	private SnapshotException failure(String action, Exception ex) {
		return new SnapshotException("Could not " + action + " in " + this + ": " + ex.getMessage()
				+ ". Check harmonylite.snapshot.s3.endpoint, region, bucket (it must exist) and the credentials", ex);
	}

	@Override
	public String toString() {
		return "S3 bucket " + this.bucket + ((this.prefix.isEmpty()) ? "" : " under " + this.prefix);
	}

}
