package io.harmonylite.event;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Text read by {@link ByteReader}: ASCII takes a fast path, everything else the strict UTF-8 decoder.
 */
class ByteReaderTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "title", "Zoë", "東京 \uD83D\uDCDA", "a\u0000b", "\u007F\u0080" })
	void textShouldReadBackExactlyAsWritten(String text) {
		byte[] bytes = new ByteWriter(16).string(text).toByteArray();
		assertThat(new ByteReader(bytes).string(1024)).isEqualTo(text);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x80, 0xC3, 0xFF })
	void textWithMalformedUtf8ShouldBeRejected(int badByte) {
		byte[] text = "ab".getBytes(StandardCharsets.US_ASCII);
		byte[] bytes = new ByteWriter(8).varLong(3).toByteArray();
		byte[] message = new byte[bytes.length + 3];
		System.arraycopy(bytes, 0, message, 0, bytes.length);
		System.arraycopy(text, 0, message, bytes.length, 2);
		message[bytes.length + 2] = (byte) badByte;
		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> new ByteReader(message).string(1024))
			.withMessageContaining("not valid UTF-8");
	}

}
