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
				"6bae09c0ffee", Version.hlcOf(1_700_000_000_123L) + 5, java.util.Set.of("text", "nothing", "blob"));
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
		assertThat(decoded.version()).isEqualTo(new Version(Version.hlcOf(1_700_000_000_123L) + 5, 3));
		assertThat(decoded.changedColumns()).containsExactlyInAnyOrder("text", "nothing", "blob");
	}

	@Test
	void formatOneShouldCarryNoVersionSoThatReceiversApplyItUnconditionally() {
		ChangeEventCodec codec = new ChangeEventCodec(false, ChangeEventCodec.FORMAT_UNVERSIONED);
		byte[] bytes = codec.encode(sampleEvent());
		assertThat(ChangeEventCodec.formatOf(bytes)).isEqualTo(1);
		ChangeEvent decoded = new ChangeEventCodec(false).decode(bytes);
		assertThat(decoded.isVersioned()).isFalse();
		assertThat(decoded.version()).isEqualTo(Version.ZERO);
		assertThat(decoded.changedColumns()).isNull();
		assertThat(decoded.row().keySet()).containsExactlyElementsOf(sampleEvent().row().keySet());
	}

	@Test
	void formatOneBytesOfThePreviousReleaseShouldStillDecode() {
		// A single INSERT as the previous release wrote it: magic, version 1, flags 0, then the v1 body.
		byte[] previousRelease = { 'H', 'L', 1, 0, 2, 5, 9, 1, 1, 't', 0, 1, 2, 'i', 'd', 1, 2, 'i', 'd', 1, 0, 0, 0, 0,
				0, 0, 0, 7 };
		ChangeEvent decoded = new ChangeEventCodec(false).decode(previousRelease);
		assertThat(decoded.originNodeId()).isEqualTo(2);
		assertThat(decoded.row()).containsEntry("id", 7L);
		assertThat(decoded.isVersioned()).isFalse();
	}

	@Test
	void originNodeIdBeyondTheLargestOneShouldBeRejectedNotAppliedForEver() {
		// A varint of 2^64-1 reads as -1: a version cannot hold it, and applying failed and was retried for ever.
		ChangeEvent sample = sampleEventSmall();
		ChangeEvent forged = new ChangeEvent(-1, sample.changeId(), sample.table(), sample.operation(), sample.row(),
				sample.primaryKey(), sample.committedAtMillis(), sample.schemaHash(), sample.hlc(), null);
		byte[] message = new ChangeEventCodec(false).encode(forged);

		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> new ChangeEventCodec(false).decode(message))
			.withMessageContaining("origin node id 18446744073709551615");
	}

	@Test
	void anUnversionedChangeCannotBeWrittenInFormatTwo() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ChangeEventCodec(false).encode(unversioned(sampleEventSmall())))
			.withMessageContaining("record it first");
	}

	@Test
	void formatTwoWithoutAClockValueOrWithAChangedSetThatDoesNotFitShouldBeRejected() {
		ChangeEventCodec v2 = new ChangeEventCodec(false);
		byte[] valid = v2.encode(sampleEventSmall());
		// The body ends with the clock value (a varint) and an empty changed-column set (length 0).
		byte[] zeroClock = Arrays.copyOf(valid, valid.length - varintLength(sampleEventSmall().hlc()));
		zeroClock[zeroClock.length - 1] = 0;
		byte[] withZero = Arrays.copyOf(zeroClock, zeroClock.length + 1);
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> v2.decode(withZero))
			.withMessageContaining("clock value 0");
		byte[] insertWithChangedSet = Arrays.copyOf(valid, valid.length + 1);
		insertWithChangedSet[valid.length - 1] = 1;
		insertWithChangedSet[valid.length] = 1;
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> v2.decode(insertWithChangedSet))
			.withMessageContaining("changed-column set");
	}

	@Test
	void changedSetMarkingAColumnBeyondTheRowShouldBeRejected() {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("v", "x");
		ChangeEvent update = new ChangeEvent(1, 1, "t", Operation.UPDATE, row, List.of("id"), 0, "", 99,
				java.util.Set.of("v"));
		byte[] bytes = new ChangeEventCodec(false).encode(update);
		assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 0b10);
		bytes[bytes.length - 1] = (byte) 0b110;
		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> new ChangeEventCodec(false).decode(bytes))
			.withMessageContaining("column 2");
	}

	private static int varintLength(long value) {
		int length = 1;
		for (long v = value >>> 7; v != 0; v >>>= 7) {
			length++;
		}
		return length;
	}

	private static ChangeEvent unversioned(ChangeEvent event) {
		return new ChangeEvent(event.originNodeId(), event.changeId(), event.table(), event.operation(), event.row(),
				event.primaryKey(), event.committedAtMillis(), event.schemaHash());
	}

	@Test
	void compressionShouldShrinkRepetitiveRows() {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("text", "abc".repeat(10_000));
		ChangeEvent event = new ChangeEvent(1, 1, "t", Operation.INSERT, row, List.of("id"), 0, "", 1, null);
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
	void anUnknownFormatVersionShouldSuggestAnUpgradeOnlyWhenANewerReleaseCouldHaveSentIt() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		byte[] event = codec.encode(new ChangeEvent(1, 1, "t", Operation.INSERT, Map.of("id", 1L), List.of("id"), 0,
				"", 1, null));
		byte[] newer = event.clone();
		newer[2] = 9;
		byte[] foreign = event.clone();
		foreign[2] = -38;
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> codec.decode(newer))
			.withMessageContaining("version 9 is not supported")
			.withMessageContaining("upgrade this node");
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> codec.decode(foreign))
			.withMessageContaining("Not a HarmonyLite change event: format version -38 does not exist")
			.withMessageNotContaining("upgrade");
	}

	@Test
	void decodeEveryTruncationShouldFailWithMalformedEvent() {
		ChangeEventCodec codec = new ChangeEventCodec(false);
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", 1L);
		row.put("name", "x");
		byte[] bytes = codec.encode(new ChangeEvent(1, 2, "t", Operation.INSERT, row, List.of("id"), 5, "h", 7, null));
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
		return new ChangeEvent(1, 9, "Books", Operation.INSERT, row, List.of("id"), 123, "abc", Version.hlcOf(123), null);
	}

}
