package io.harmonylite.capture;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ColumnListTests {

	@Test
	void encodeThenDecodeShouldReturnTheSameNames() {
		List<String> names = List.of("id", "", "a,b", "[x]", "quote\"d", "back\\slash", "new\nline", "\u0001",
				"é漢字🎉", " spaced ");
		String json = ColumnList.encode(names);
		assertThat(ColumnList.decode(json)).isEqualTo(names);
	}

	@Test
	void encodeShouldWriteAJsonArray() {
		assertThat(ColumnList.encode(List.of("a", "b\"c"))).isEqualTo("[\"a\",\"b\\\"c\"]");
		assertThat(ColumnList.encode(List.of())).isEqualTo("[]");
	}

	@Test
	void decodeShouldAcceptWhitespaceAndEscapes() {
		assertThat(ColumnList.decode(" [ \"a\" , \"\\u00e9\\/\" ] ")).containsExactly("a", "é/");
	}

	@Test
	void decodeShouldRejectMalformedText() {
		assertThatIllegalArgumentException().isThrownBy(() -> ColumnList.decode("[\"a\""));
		assertThatIllegalArgumentException().isThrownBy(() -> ColumnList.decode("[\"a\"] x"));
		assertThatIllegalArgumentException().isThrownBy(() -> ColumnList.decode("a"));
	}

}
