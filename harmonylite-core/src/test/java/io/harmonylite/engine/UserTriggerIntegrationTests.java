package io.harmonylite.engine;

import java.time.Duration;
import java.util.List;

import io.harmonylite.testsupport.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user's trigger that writes to another replicated table, guarded with the apply marker as docs/replication.md
 * shows: it fires for local writes only, and its rows replicate like any other write, so every node ends the same.
 */
class UserTriggerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final NatsServerExtension nats = NatsServerExtension.withServer();

	@RegisterExtension
	final TestNodes nodes = new TestNodes(nats, "triggers");

	@Test
	void auditTriggerGuardedWithTheApplyMarkerShouldLeaveEveryNodeWithTheSameAuditRows() {
		List<TestDatabase> dbs = this.nodes.databases(2, "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)",
				"CREATE TABLE audit (id TEXT PRIMARY KEY, book_id INTEGER, title TEXT)",
				"CREATE TRIGGER books_audit AFTER UPDATE ON books "
						+ "WHEN NOT EXISTS (SELECT 1 FROM \"__harmonylite__apply_marker\") BEGIN "
						+ "INSERT INTO audit VALUES (lower(hex(randomblob(8))), NEW.id, NEW.title); END");
		this.nodes.start(1, dbs.get(0));
		this.nodes.start(2, dbs.get(1));

		dbs.get(0).execute("INSERT INTO books VALUES (1, 'Dune')");
		await().atMost(TIMEOUT).until(() -> dbs.get(1).count("books") == 1);
		dbs.get(0).execute("UPDATE books SET title = 'Dune Messiah' WHERE id = 1");
		dbs.get(1).execute("UPDATE books SET title = 'Children of Dune' WHERE id = 1");

		await().atMost(TIMEOUT).untilAsserted(() -> {
			String audit = "SELECT id, book_id, title FROM audit ORDER BY id";
			assertThat(dbs.get(0).rows(audit)).hasSize(2).isEqualTo(dbs.get(1).rows(audit));
			assertThat(dbs.get(0).rows("SELECT title FROM books")).isEqualTo(dbs.get(1).rows("SELECT title FROM books"));
		});
	}

}
