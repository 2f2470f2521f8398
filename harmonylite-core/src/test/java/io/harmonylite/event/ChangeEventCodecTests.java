package io.harmonylite.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChangeEventCodecTests {

	private static ChangeEvent sampleEvent() {
		byte[] blob = new byte[3 * 1024 * 1024];
		new Random(7).nextBytes(blob);
		blob[0] = 0;
		blob[blob.length - 1] = 0;
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", Long.MIN_VALUE);
		row.put("max", Long.MAX_VALUE);
		row.put("real", -0.0d);
		row.put("pi", Math.PI);
		row.put("text", "naïve 日本語 🎉 'quoted' \"double\" ; -- DROP TABLE x");
		row.put("nothing", null);
		row.put("blob", blob);
		row.put("weird \"col\"; --", 1L);
		return new ChangeEvent(3, 42, "Books \"x\"", Operation.UPDATE, row, List.of("id", "max"), 1_700_000_000_123L,
				"6bae09c0ffee");
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void encodeThenDecodeShouldKeepEveryValueAndStorageClassExactly(boolean compress) {
		ChangeEvent event = sampleEvent();
		ChangeEventCodec codec = new ChangeEventCodec(compress);
		ChangeEvent decoded = codec.decode(codec.encode(event));
		assertThat(decoded.originNodeId()).isEqualTo(3);
		assertThat(decoded.changeId()).isEqualTo(42);
		assertThat(decoded.table()).isEqualTo("Books \"x\"");
		assertThat(decoded.operation()).isEqualTo(Operation.UPDATE);
		assertThat(decoded.primaryKey()).containsExactly("id", "max");
		assertThat(decoded.committedAtMillis()).isEqualTo(1_700_000_000_123L);
		assertThat(decoded.schemaHash()).isEqualTo("6bae09c0ffee");
		assertThat(decoded.row().keySet()).containsExactlyElementsOf(event.row().keySet());
		event.row().forEach((column, value) -> assertThat(SqlValues.equal(decoded.row().get(column), value))
			.as(column)
			.isTrue());
		assertThat(decoded.row().get("real")).isInstanceOf(Double.class);
		assertThat(Double.doubleToRawLongBits((Double) decoded.row().get("real")))
			.isEqualTo(Double.doubleToRawLongBits(-0.0d));
		assertThat(decoded.row().get("id")).isInstanceOf(Long.class);
	}

	@Test
	void compressionShouldShrinkRepetitiveRows() {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("text", "abc".repeat(10_000));
		ChangeEvent event = new ChangeEvent(1, 1, "t", Operation.INSERT, row, List.of("id"), 0, "");
		assertThat(new ChangeEventCodec(true).encode(event).length)
			.isLessThan(new ChangeEventCodec(false).encode(event).length / 10);
	}

	@Test
	void decodeGarbageShouldFailWithMalformedEvent() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> codec.decode("hello world".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("magic");
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> codec.decode(new byte[0]));
	}

	@Test
	void decodeEveryTruncationShouldFailWithMalformedEvent() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("name", "x");
		byte[] bytes = codec.encode(new ChangeEvent(1, 2, "t", Operation.INSERT, row, List.of("id"), 5, "h"));
		for (int length = 0; length < bytes.length; length++) {
			byte[] truncated = Arrays.copyOf(bytes, length);
			assertThatExceptionOfType(MalformedEventException.class).as("length %d", length)
				.isThrownBy(() -> codec.decode(truncated));
		}
	}

	@Test
	void decodeRandomBytesShouldNeverThrowAnythingButMalformedEvent() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		byte[] valid = codec.encode(sampleEventSmall());
		Random random = new Random(1);
		for (int i = 0; i < 20_000; i++) {
			byte[] mutated = valid.clone();
			for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
				mutated[4 + random.nextInt(mutated.length - 4)] = (byte) random.nextInt(256);
			}
			try {
				codec.decode(mutated);
			}
			catch (MalformedEventException expected) {
				// the only acceptable failure
			}
		}
	}

	@Test
	void decodeHugeClaimedLengthShouldFailWithoutAllocating() {
		byte[] bytes = { 'H', 'L', 1, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 1, 2, 3 };
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> new ChangeEventCodec(false).decode(bytes))
			.withMessageContaining("limit");
	}

	@Test
	void decodeUnknownVersionShouldNameVersions() {
		byte[] bytes = { 'H', 'L', 9, 0, 0 };
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> new ChangeEventCodec(false).decode(bytes))
			.withMessageContaining("version 9");
	}

	@Test
	void eventWithoutItsPrimaryKeyColumnShouldBeRejected() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ChangeEvent(1, 1, "t", Operation.INSERT, Map.of("a", 1L), List.of("id"), 0, ""))
			.withMessageContaining("'id'");
	}

	@Test
	void toStringShouldNeverContainRowData() {
		assertThat(sampleEvent().toString()).doesNotContain("naïve").contains("change=42");
	}

	private static ChangeEvent sampleEventSmall() {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 7L);
		row.put("title", "Dune");
		row.put("price", 9.5d);
		row.put("cover", new byte[] { 0, 1, 2 });
		row.put("note", null);
		return new ChangeEvent(1, 9, "Books", Operation.INSERT, row, List.of("id"), 123, "abc");
	}

}
