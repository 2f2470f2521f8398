package io.harmonylite.replicate;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ShardRouterTests {

	@Test
	void sameRowShouldAlwaysGoToSameShard() {
		ShardRouter router = new ShardRouter(8);
		int shard = router.shardOf("Books", List.of(42L));
		assertThat(IntStream.range(0, 100).map((i) -> new ShardRouter(8).shardOf("Books", List.of(42L))))
			.containsOnly(shard);
	}

	@Test
	void shardShouldBePinnedSoEveryNodeAgrees() {
		// Pinned values: a change here would split one row's changes across streams in a mixed-version cluster.
		ShardRouter router = new ShardRouter(4);
		assertThat(router.shardOf("Books", List.of(1L))).isEqualTo(router.shardOf("Books", List.of(1L)));
		assertThat(new int[] { router.shardOf("Books", List.of(1L)), router.shardOf("Books", List.of(2L)),
				router.shardOf("Books", List.of("a")), router.shardOf("t", Arrays.asList(1L, "x")) })
			.containsExactly(pinned("Books", 1L), pinned("Books", 2L), pinned("Books", "a"), pinned("t", 1L, "x"));
	}

	@Test
	void rowsShouldSpreadOverAllShards() {
		ShardRouter router = new ShardRouter(4);
		int[] counts = new int[4];
		for (long id = 0; id < 4000; id++) {
			counts[router.shardOf("Books", List.of(id))]++;
		}
		assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(800, 1200));
	}

	@Test
	void tableNameShouldTakePartInTheHash() {
		ShardRouter router = new ShardRouter(64);
		long differing = IntStream.range(0, 200)
			.filter((i) -> router.shardOf("a", List.of((long) i)) != router.shardOf("b", List.of((long) i)))
			.count();
		assertThat(differing).isGreaterThan(150);
	}

	@Test
	void tableNameCaseShouldNotMatterAsInSqlite() {
		ShardRouter router = new ShardRouter(16);
		assertThat(router.shardOf("BOOKS", List.of(3L))).isEqualTo(router.shardOf("books", List.of(3L)));
	}

	@Test
	void singleShardShouldAlwaysBeZero() {
		assertThat(new ShardRouter(1).shardOf("x", List.of(new byte[] { 1 }))).isZero();
	}

	@Test
	void zeroShardsShouldBeRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardRouter(0));
	}

	/** An independent FNV-1a implementation of the documented algorithm. */
	private static int pinned(String table, Object... key) {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		bytes.writeBytes(table.toLowerCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		bytes.write(0);
		for (Object value : key) {
			if (value instanceof Long l) {
				bytes.write('I');
				bytes.writeBytes(java.nio.ByteBuffer.allocate(8).putLong(l).array());
			}
			else {
				bytes.write('T');
				bytes.writeBytes(((String) value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			bytes.write(0);
		}
		long hash = 0xcbf29ce484222325L;
		for (byte b : bytes.toByteArray()) {
			hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
		}
		return (int) Long.remainderUnsigned(hash, 4);
	}

}
