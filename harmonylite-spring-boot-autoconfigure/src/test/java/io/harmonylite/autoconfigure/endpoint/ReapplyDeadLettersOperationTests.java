package io.harmonylite.autoconfigure.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import io.harmonylite.autoconfigure.EngineStatuses;
import io.harmonylite.engine.DeadLetterEntry;
import io.harmonylite.engine.DeadLetterFilter;
import io.harmonylite.engine.ReapplyReport;
import io.harmonylite.autoconfigure.endpoint.OperationResult.Outcome;
import io.harmonylite.schema.ClusterSchemaView;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ReapplyDeadLettersOperationTests {

	private static final DeadLetterEntry LETTER = new DeadLetterEntry(3, "changes-0", 7, "no column isbn", "Books", 1,
			"h", false, true);

	private final List<DeadLetterFilter> filters = new ArrayList<>();

	@Test
	void reapplyShouldPassTheTableOrRangeOfThePathAndSayWhatWasDone() {
		ReapplyDeadLettersOperation operation = new ReapplyDeadLettersOperation((filter) -> {
			this.filters.add(filter);
			return new ReapplyReport(List.of(LETTER), List.of(), List.of());
		});

		OperationResult all = operation.run(null);
		OperationResult books = operation.run("Books");
		OperationResult range = operation.run("10-20");
		operation.run("12");

		assertThat(this.filters).containsExactly(DeadLetterFilter.ALL, new DeadLetterFilter("Books", 1, Long.MAX_VALUE),
				new DeadLetterFilter(null, 10, 20), new DeadLetterFilter(null, 12, 12));
		assertThat(all.outcome()).isEqualTo(Outcome.DONE);
		assertThat(books.target()).isEqualTo("dead-letters");
		assertThat(range.message()).startsWith("1 dead letter(s) re-applied, 0 re-applied before, 0 still failing");
	}

	@Test
	void deadLettersShouldBeListedByAGetAlsoWithReadOnlyAccessWithTheStatusOfTheListing() {
		ReapplyDeadLettersOperation.Listing listing = new ReapplyDeadLettersOperation.Listing((filter) -> {
			this.filters.add(filter);
			return List.of(LETTER);
		});
		HarmonyLiteEndpointWebExtension web = new HarmonyLiteEndpointWebExtension(
				new HarmonyLiteEndpoint(EngineStatuses::running, () -> new ClusterSchemaView(List.of()),
						List.of(listing)));

		WebEndpointResponse<Object> all = web.section(ReapplyDeadLettersOperation.DEAD_LETTERS);
		WebEndpointResponse<Object> books = web.item(ReapplyDeadLettersOperation.DEAD_LETTERS, "Books");
		WebEndpointResponse<Object> negative = web.item(ReapplyDeadLettersOperation.DEAD_LETTERS, "-3");

		assertThat(all.getStatus()).isEqualTo(200);
		assertThat(all.getBody()).isInstanceOfSatisfying(OperationResult.class, (result) -> {
			assertThat(result.message()).isEqualTo("1 dead letter(s) of this node");
			assertThat(result.detail()).isEqualTo(List.of(LETTER));
		});
		assertThat(books.getStatus()).isEqualTo(200);
		assertThat(negative.getStatus()).isEqualTo(400);
		assertThat(this.filters).containsExactly(DeadLetterFilter.ALL, new DeadLetterFilter("Books", 1, Long.MAX_VALUE));
		assertThat(web.section("schema").getStatus()).isEqualTo(200);
		WebEndpointResponse<Object> nothing = web.section("nothing");
		assertThat(nothing.getStatus()).isEqualTo(404);
		assertThat(nothing.getBody()).asString()
			.contains("nothing at /actuator/harmonylite/nothing", "/actuator/harmonylite/schema");
		WebEndpointResponse<Object> noShard = web.item("shards", "abc");
		assertThat(noShard.getStatus()).isEqualTo(404);
		assertThat(noShard.getBody()).isEqualTo(Map.of("message", "Node 3 has no shard 'abc'; its shards are [0, 1]"));
	}

	@Test
	void deadLettersReadWithoutTheListingOperationShouldBeNotFound() {
		HarmonyLiteEndpoint endpoint = new HarmonyLiteEndpoint(EngineStatuses::running,
				() -> new ClusterSchemaView(List.of()), List.of());

		assertThat(new HarmonyLiteEndpointWebExtension(endpoint).section(ReapplyDeadLettersOperation.DEAD_LETTERS)
			.getStatus()).isEqualTo(404);
	}

	@Test
	void reapplyShouldAnswerUnchangedWhenNothingAppliedAndConflictWhenTheStreamCannotBeRead() {
		ReapplyDeadLettersOperation nothing = new ReapplyDeadLettersOperation(
				(filter) -> new ReapplyReport(List.of(), List.of(LETTER), List.of()));
		ReapplyDeadLettersOperation unreachable = new ReapplyDeadLettersOperation((filter) -> {
			throw new HarmonyLiteException("Could not read the dead-letter stream");
		});

		assertThat(nothing.run(null).outcome()).isEqualTo(Outcome.UNCHANGED);
		assertThat(unreachable.run(null).outcome()).isEqualTo(Outcome.CONFLICT);
		assertThat(nothing.run("20-10").outcome()).isEqualTo(Outcome.BAD_REQUEST);
		// Numbers that are no sequence are refused, not taken for a table's name.
		for (String notASequence : List.of("-3", "0", "10-", "1234567890123456789", "-3-5")) {
			assertThat(nothing.run(notASequence).outcome()).as(notASequence).isEqualTo(Outcome.BAD_REQUEST);
		}
	}

}
