package io.harmonylite.capture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TriggerWrites}: the tables a trigger's body writes to, whatever its literals and comments say.
 */
class TriggerWritesTests {

	@Test
	void statementsOfTheBodyShouldNameTheirTargets() {
		assertThat(TriggerWrites.tables("CREATE TRIGGER t AFTER UPDATE OF v ON a BEGIN "
				+ "INSERT OR IGNORE INTO b VALUES (1); UPDATE OR REPLACE \"my \"\"c\"\"\" SET x = 1; "
				+ "DELETE FROM [d] WHERE id = OLD.id; REPLACE INTO `e` VALUES (2); "
				+ "INSERT INTO f VALUES (3) ON CONFLICT DO UPDATE SET y = 1; END"))
			.containsExactly("b", "my \"c\"", "d", "e", "f");
	}

	@Test
	void literalsCommentsFunctionsAndTheHeaderShouldNotCountAsWrites() {
		assertThat(TriggerWrites.tables("CREATE TRIGGER begin_update_log BEFORE UPDATE ON \"begin\" "
				+ "WHEN replace(NEW.v, ' ', '') = '' BEGIN SELECT RAISE(ABORT, 'cannot update; insert into x'); "
				+ "/* delete from y */ -- update z\n SELECT replace(NEW.v, 'a', 'b'); END"))
			.isEmpty();
	}

}
