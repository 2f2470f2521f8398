package io.harmonylite.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import io.harmonylite.sqlite.SqliteConnections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SchemaHasherTests {

	// The test vectors of docs/schema-versioning.md. Changing one breaks mixed-version clusters: every node must
	// compute the same hash for the same schema.

	static final String BOOKS_DDL = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
			+ "author TEXT NOT NULL, publication_year INTEGER)";

	static final String BOOKS_TEXT = """
			table:books
			column:author|TEXT|1|0
			column:id|INTEGER|0|1
			column:publication_year|INTEGER|0|0
			column:title|TEXT|1|0
			""";

	static final String BOOKS_HASH = "4efea1eeb73b561950735b7d42669fd24615a4a9502e505327bd834eab2a3d52";

	static final String BOOKS_WITH_EMAIL_HASH = "32112c50b565ea9c47bd264ea10a0f3e573a90b944cd0dce46cff73731bb53c1";

	static final String EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	static final String SHOP_TEXT = """
			table:authors
			column:id|INTEGER|0|1
			column:name|VARCHAR(100)|1|0
			table:books
			column:author|TEXT|1|0
			column:id|INTEGER|0|1
			column:publication_year|INTEGER|0|0
			column:title|TEXT|1|0
			table:order items
			column:line|INT|1|2
			column:note||0|0
			column:order_id|INTEGER|1|1
			column:price|DECIMAL(10,2)|0|0
			""";

	static final String SHOP_HASH = "fea56a03f1ffb9e303f22f11490ac89cebd0928ea64aa5c200dd93ff65f6f224";

	static final String ESCAPING_TEXT = """
			table:a\\|b
			column:x\\\\y|WEIRD\\|TYPE|1|1
			column:z:z|UNSIGNED BIG INT|0|0
			""";

	static final String ESCAPING_HASH = "0df26f4722e8ad226bf52b69d71cd65ff13a99ef6bc0627b9c9233b833780aaa";

	@TempDir
	Path directory;

	@Test
	void booksVectorShouldMatchCanonicalTextAndHash() throws SQLException {
		List<TableSchema> tables = read(List.of("Books"), BOOKS_DDL);
		assertThat(SchemaHasher.canonicalForm(tables)).isEqualTo(BOOKS_TEXT);
		assertThat(SchemaHasher.hash(tables)).isEqualTo(BOOKS_HASH);
	}

	@Test
	void booksWithAddedColumnVectorShouldMatchHash() throws SQLException {
		List<TableSchema> tables = read(List.of("Books"), BOOKS_DDL, "ALTER TABLE Books ADD COLUMN email TEXT");
		assertThat(SchemaHasher.hash(tables)).isEqualTo(BOOKS_WITH_EMAIL_HASH);
	}

	@Test
	void emptySchemaVectorShouldBeHashOfEmptyText() {
		assertThat(SchemaHasher.canonicalForm(List.of())).isEmpty();
		assertThat(SchemaHasher.hash(List.of())).isEqualTo(EMPTY_HASH);
	}

	@Test
	void multiTableVectorShouldSortTablesAndColumnsAndKeepKeyPositions() throws SQLException {
		List<TableSchema> tables = read(List.of("Order Items", "Books", "authors"), BOOKS_DDL,
				"CREATE TABLE \"Order Items\" (Order_ID integer NOT NULL, line INT NOT NULL, Price decimal( 10 , 2 ), "
						+ "note, PRIMARY KEY (Order_ID, line))",
				"CREATE TABLE authors (id INTEGER PRIMARY KEY, name varchar(100) NOT NULL)");
		assertThat(SchemaHasher.canonicalForm(tables)).isEqualTo(SHOP_TEXT);
		assertThat(SchemaHasher.hash(tables)).isEqualTo(SHOP_HASH);
	}

	@Test
	void escapingVectorShouldEscapeSeparatorsInNamesAndTypes() throws SQLException {
		List<TableSchema> tables = read(List.of("a|b"),
				"CREATE TABLE \"a|b\" (\"x\\y\" \"weird|type\" NOT NULL PRIMARY KEY, \"Z:z\" unsigned  big\tint)");
		assertThat(SchemaHasher.canonicalForm(tables)).isEqualTo(ESCAPING_TEXT);
		assertThat(SchemaHasher.hash(tables)).isEqualTo(ESCAPING_HASH);
	}

	@Test
	void hashShouldBeLowercaseHexSha256() {
		assertThat(SchemaHasher.hash(List.of(books("id", "INTEGER")))).matches("[0-9a-f]{64}");
	}

	@Test
	void letterCaseOfNamesAndTypesShouldNotChangeTheHash() {
		TableSchema lower = new TableSchema("books", List.of(new ColumnSchema("id", "integer", false, 1),
				new ColumnSchema("title", "text", true, 0)), false);
		TableSchema mixed = new TableSchema("BOOKS", List.of(new ColumnSchema("ID", "Integer", false, 1),
				new ColumnSchema("Title", "TEXT", true, 0)), false);
		assertThat(SchemaHasher.hash(List.of(mixed))).isEqualTo(SchemaHasher.hash(List.of(lower)));
	}

	@Test
	void whitespaceInTypesShouldNotChangeTheHash() {
		assertThat(SchemaHasher.hash(List.of(books("name", "varchar( 20 )"))))
			.isEqualTo(SchemaHasher.hash(List.of(books("name", "VARCHAR(20)"))))
			.isEqualTo(SchemaHasher.hash(List.of(books("name", " VARCHAR (20)\t"))));
		assertThat(SchemaHasher.hash(List.of(books("n", "unsigned \n big   int"))))
			.isEqualTo(SchemaHasher.hash(List.of(books("n", "UNSIGNED BIG INT"))));
	}

	@Test
	void normalizeTypeShouldUpperCaseCollapseWhitespaceAndTightenPunctuation() {
		assertThat(SchemaHasher.normalizeType("varchar( 20 )")).isEqualTo("VARCHAR(20)");
		assertThat(SchemaHasher.normalizeType("decimal (10 , 2)")).isEqualTo("DECIMAL(10,2)");
		assertThat(SchemaHasher.normalizeType("  double\r\n precision ")).isEqualTo("DOUBLE PRECISION");
		assertThat(SchemaHasher.normalizeType("")).isEmpty();
		assertThat(SchemaHasher.normalizeType("tëxt")).isEqualTo("TëXT");
	}

	@Test
	void canonicalNameShouldLowerCaseAsciiLettersOnly() {
		assertThat(SchemaHasher.canonicalName("Ünïcode_ABC")).isEqualTo("Ünïcode_abc");
	}

	@Test
	void differentTypeShouldChangeTheHash() {
		assertThat(SchemaHasher.hash(List.of(books("title", "TEXT"))))
			.isNotEqualTo(SchemaHasher.hash(List.of(books("title", "VARCHAR(20)"))))
			.isNotEqualTo(SchemaHasher.hash(List.of(books("title", ""))));
		assertThat(SchemaHasher.hash(List.of(books("title", "VARCHAR(20)"))))
			.isNotEqualTo(SchemaHasher.hash(List.of(books("title", "VARCHAR(21)"))));
	}

	@Test
	void differentNotNullShouldChangeTheHash() {
		TableSchema nullable = new TableSchema("t", List.of(new ColumnSchema("a", "TEXT", false, 0)), false);
		TableSchema notNull = new TableSchema("t", List.of(new ColumnSchema("a", "TEXT", true, 0)), false);
		assertThat(SchemaHasher.hash(List.of(nullable))).isNotEqualTo(SchemaHasher.hash(List.of(notNull)));
	}

	@Test
	void differentPrimaryKeyMembershipOrOrderShouldChangeTheHash() {
		TableSchema keyAb = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", true, 1), new ColumnSchema("b", "INT", true, 2)), false);
		TableSchema keyBa = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", true, 2), new ColumnSchema("b", "INT", true, 1)), false);
		TableSchema keyA = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", true, 1), new ColumnSchema("b", "INT", true, 0)), false);
		assertThat(List.of(SchemaHasher.hash(List.of(keyAb)), SchemaHasher.hash(List.of(keyBa)),
				SchemaHasher.hash(List.of(keyA))))
			.doesNotHaveDuplicates();
	}

	@Test
	void differentColumnSetShouldChangeTheHash() {
		TableSchema two = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", false, 1), new ColumnSchema("b", "INT", false, 0)), false);
		TableSchema renamed = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", false, 1), new ColumnSchema("c", "INT", false, 0)), false);
		TableSchema one = new TableSchema("t", List.of(new ColumnSchema("a", "INT", false, 1)), false);
		assertThat(List.of(SchemaHasher.hash(List.of(two)), SchemaHasher.hash(List.of(renamed)),
				SchemaHasher.hash(List.of(one))))
			.doesNotHaveDuplicates();
	}

	@Test
	void differentTableSetOrTableNameShouldChangeTheHash() {
		TableSchema books = books("id", "INTEGER");
		TableSchema other = new TableSchema("other", books.columns(), false);
		assertThat(List.of(SchemaHasher.hash(List.of(books)), SchemaHasher.hash(List.of(other)),
				SchemaHasher.hash(List.of(books, other))))
			.doesNotHaveDuplicates();
	}

	@Test
	void tableOrderAndColumnOrderShouldNotChangeTheHash() {
		ColumnSchema id = new ColumnSchema("id", "INTEGER", false, 1);
		ColumnSchema title = new ColumnSchema("title", "TEXT", true, 0);
		TableSchema a = new TableSchema("a", List.of(id, title), false);
		TableSchema aReordered = new TableSchema("a", List.of(title, id), false);
		TableSchema b = new TableSchema("b", List.of(id), false);
		assertThat(SchemaHasher.hash(List.of(a, b))).isEqualTo(SchemaHasher.hash(List.of(b, aReordered)));
	}

	@Test
	void separatorsInNamesShouldNotMakeDifferentSchemasCollide() {
		// Without escaping, both would read "column:a|b|TEXT|0|0".
		TableSchema pipeInName = new TableSchema("t", List.of(new ColumnSchema("a|b", "TEXT", false, 0)), false);
		TableSchema pipeInType = new TableSchema("t", List.of(new ColumnSchema("a", "b|TEXT", false, 0)), false);
		assertThat(SchemaHasher.hash(List.of(pipeInName))).isNotEqualTo(SchemaHasher.hash(List.of(pipeInType)));
		TableSchema newlineInName = new TableSchema("t\ntable:u", List.of(new ColumnSchema("a", "", false, 0)), false);
		assertThat(SchemaHasher.canonicalForm(List.of(newlineInName))).isEqualTo("table:t\\ntable:u\ncolumn:a||0|0\n");
	}

	@Test
	void withoutRowidShouldNotChangeTheHash() {
		TableSchema rowid = new TableSchema("t", List.of(new ColumnSchema("k", "TEXT", true, 1)), false);
		TableSchema withoutRowid = new TableSchema("t", List.of(new ColumnSchema("k", "TEXT", true, 1)), true);
		assertThat(SchemaHasher.hash(List.of(rowid))).isEqualTo(SchemaHasher.hash(List.of(withoutRowid)));
	}

	@Test
	void internalTablesShouldNeverCount() {
		TableSchema internal = new TableSchema("__harmonylite__schema_version",
				List.of(new ColumnSchema("id", "INTEGER", false, 1)), false);
		TableSchema internalUpper = new TableSchema("__HARMONYLITE__Books_change_log",
				List.of(new ColumnSchema("id", "INTEGER", false, 1)), false);
		TableSchema books = books("id", "INTEGER");
		assertThat(SchemaHasher.hash(List.of(books, internal, internalUpper))).isEqualTo(SchemaHasher.hash(List.of(books)));
	}

	@Test
	void internalTablesInTheDatabaseShouldNotChangeTheHashOfAllUserTables() throws SQLException {
		Path database = this.directory.resolve("internal.db");
		try (Connection connection = SqliteConnections.open(database)) {
			execute(connection, BOOKS_DDL);
			SchemaReader reader = new SchemaReader(connection);
			String before = SchemaHasher.hash(reader.tables(reader.userTables()));
			new SchemaVersionStore(connection).record(before, "v0.1.0", Instant.EPOCH);
			execute(connection, "CREATE TABLE __harmonylite__Books_change_log (id INTEGER PRIMARY KEY, payload BLOB)");
			assertThat(SchemaHasher.hash(reader.tables(reader.userTables()))).isEqualTo(before).isEqualTo(BOOKS_HASH);
		}
	}

	@Test
	void namesDifferingOnlyInCaseShouldBeRejected() {
		TableSchema books = books("id", "INTEGER");
		TableSchema booksUpper = new TableSchema("BOOKS", books.columns(), false);
		assertThatIllegalArgumentException().isThrownBy(() -> SchemaHasher.hash(List.of(books, booksUpper)))
			.withMessageContaining("BOOKS");
		TableSchema twoColumns = new TableSchema("t",
				List.of(new ColumnSchema("a", "INT", false, 0), new ColumnSchema("A", "INT", false, 0)), false);
		assertThatIllegalArgumentException().isThrownBy(() -> SchemaHasher.hash(List.of(twoColumns)))
			.withMessageContaining("'t'");
	}

	@Test
	void supplementaryCharactersShouldSortByCodePoint() {
		// U+1F600 sorts after U+FF21 by code point (and UTF-8 bytes) but before it in UTF-16 units.
		TableSchema emoji = new TableSchema("\uD83D\uDE00", List.of(new ColumnSchema("a", "", false, 0)), false);
		TableSchema fullWidth = new TableSchema("\uFF21", List.of(new ColumnSchema("a", "", false, 0)), false);
		assertThat(SchemaHasher.canonicalForm(List.of(emoji, fullWidth)))
			.startsWith("table:\uFF21\n");
	}

	@Test
	void missingWatchedTableShouldBeLeftOutByTheReader() throws SQLException {
		List<TableSchema> tables = read(List.of("Books", "Missing"), BOOKS_DDL);
		assertThat(tables).extracting(TableSchema::name).containsExactly("Books");
		assertThat(SchemaHasher.hash(tables)).isEqualTo(BOOKS_HASH);
	}

	@Test
	void shortHashShouldShowFirstEightCharacters() {
		assertThat(SchemaHasher.shortHash(BOOKS_HASH)).isEqualTo("4efea1ee");
		assertThat(SchemaHasher.shortHash("abc")).isEqualTo("abc");
		assertThat(SchemaHasher.shortHash("")).isEqualTo("(none)");
	}

	private List<TableSchema> read(List<String> tables, String... ddl) throws SQLException {
		Path database = this.directory.resolve("vector.db");
		try (Connection connection = SqliteConnections.open(database)) {
			for (String statement : ddl) {
				execute(connection, statement);
			}
			return new SchemaReader(connection).tables(tables);
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static TableSchema books(String column, String type) {
		return new TableSchema("Books", List.of(new ColumnSchema(column, type, false, 0)), false);
	}

}
