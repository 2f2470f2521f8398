package io.harmonylite.apply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a message's origin from the message ids publishers make, and nothing else.
 */
class MessageOriginTests {

	@Test
	void idOfARoundShouldNameNodeEpochAndChanges() {
		assertThat(MessageOrigin.parse("3-8812-17-256")).isEqualTo(new MessageOrigin(3, 8812, 17, 256));
	}

	@Test
	void negativeEpochAndTheSuffixOfARoundSentAgainShouldBeRead() {
		assertThat(MessageOrigin.parse("3--8812-17-256-r2")).isEqualTo(new MessageOrigin(3, -8812, 17, 256));
	}

	@Test
	void payloadChecksumAfterTheRangeShouldBeRead() {
		assertThat(MessageOrigin.parse("3--8812-17-256-0a1b2c3d")).isEqualTo(new MessageOrigin(3, -8812, 17, 256));
		assertThat(MessageOrigin.parse("3--8812-17-256-0a1b2c3d-r2")).isEqualTo(new MessageOrigin(3, -8812, 17, 256));
	}

	@Test
	void anythingElseShouldHaveNoOrigin() {
		assertThat(MessageOrigin.parse(null)).isNull();
		assertThat(MessageOrigin.parse("")).isNull();
		assertThat(MessageOrigin.parse("3-8812-17")).isNull();
		assertThat(MessageOrigin.parse("3-8812-17-256-x")).isNull();
		assertThat(MessageOrigin.parse("3-8812-256-17")).isNull();
		assertThat(MessageOrigin.parse("0-8812-17-256")).isNull();
		assertThat(MessageOrigin.parse("a-b-c-d")).isNull();
		assertThat(MessageOrigin.parse("3-8812-17-256-x1")).isNull();
	}

}
