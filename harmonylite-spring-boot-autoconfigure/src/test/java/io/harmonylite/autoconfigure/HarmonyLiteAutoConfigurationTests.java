package io.harmonylite.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.harmonylite.ConfigException;
import io.harmonylite.engine.HarmonyLiteConfig;
import io.harmonylite.engine.HarmonyLiteEngine;
import io.harmonylite.snapshot.RestoreMode;
import io.harmonylite.snapshot.SnapshotStoreType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HarmonyLiteAutoConfiguration}, with {@code harmonylite.auto-startup=false}: the engine is built and
 * its configuration bound, and nothing starts (see {@link HarmonyLiteAutoConfigurationIntegrationTests}).
 */
@ExtendWith(OutputCaptureExtension.class)
class HarmonyLiteAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, HarmonyLiteAutoConfiguration.class))
		.withPropertyValues("harmonylite.node-id=1", "harmonylite.auto-startup=false");

	@TempDir
	Path tempDir;

	@Test
	void runWithSqliteDataSourceShouldCreateEngine() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.run((context) -> assertThat(context).hasSingleBean(HarmonyLiteEngine.class)
				.hasSingleBean(EngineStartStopLifecycle.class));
	}

	@Test
	void runWithSqliteDataSourceShouldDeriveDbPathFromIt() {
		this.contextRunner.withPropertyValues(sqliteUrl("derived.db") + "?journal_mode=WAL&busy_timeout=30000")
			.run((context) -> assertThat(config(context).dbPath())
				.isEqualTo(this.tempDir.resolve("derived.db").toAbsolutePath()));
	}

	@Test
	void runWithSqliteDataSourceBeanShouldDeriveDbPathFromIt() {
		SQLiteDataSource dataSource = new SQLiteDataSource();
		dataSource.setUrl("jdbc:sqlite:" + this.tempDir.resolve("bean.db"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=3", "harmonylite.auto-startup=false")
			.withBean(DataSource.class, () -> dataSource)
			.run((context) -> assertThat(config(context).dbPath())
				.isEqualTo(this.tempDir.resolve("bean.db").toAbsolutePath()));
	}

	@Test
	void runWithDbPathShouldUseItWithoutDataSource() {
		Path dbPath = this.tempDir.resolve("standalone.db");
		this.contextRunner.withPropertyValues("harmonylite.db-path=" + dbPath)
			.run((context) -> assertThat(config(context).dbPath()).isEqualTo(dbPath));
	}

	@Test
	void runWithDbPathShouldPreferItOverDataSourceWarningThatTheApplicationsWritesAreNotReplicated(
			CapturedOutput output) {
		Path dbPath = this.tempDir.resolve("explicit.db");
		this.contextRunner.withPropertyValues(sqliteUrl("other.db"), "harmonylite.db-path=" + dbPath)
			.run((context) -> assertThat(config(context).dbPath()).isEqualTo(dbPath));
		assertThat(output).contains("harmonylite.db-path is " + dbPath, "DataSource (spring.datasource.url) writes "
				+ this.tempDir.resolve("other.db"), "the application's own writes are not replicated");
	}

	@Test
	void runWithDbPathNamingTheDataSourcesFileShouldNotWarn(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues(sqliteUrl("same.db"), "harmonylite.db-path=" + this.tempDir.resolve("./same.db"))
			.run((context) -> assertThat(config(context).dbPath().normalize()).isEqualTo(this.tempDir.resolve("same.db")));
		assertThat(output).doesNotContain("harmonylite.db-path is");
	}

	@Test
	void runWhenDisabledShouldNotCreateEngine() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HarmonyLiteEngine.class)
				.doesNotHaveBean(EngineStartStopLifecycle.class)
				.doesNotHaveBean(HarmonyLiteProperties.class));
	}

	@Test
	void runWithoutDataSourceOrDbPathShouldNotCreateEngine() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.node-id=1")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HarmonyLiteEngine.class));
	}

	@Test
	void runWhenEngineClassIsAbsentShouldNotCreateEngine() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.withClassLoader(new FilteredClassLoader(HarmonyLiteEngine.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EngineStartStopLifecycle.class));
	}

	@Test
	void runWithUserEngineShouldBackOff() {
		HarmonyLiteEngine userEngine = HarmonyLiteEngine
			.builder(HarmonyLiteConfig.builder().nodeId(42).dbPath(this.tempDir.resolve("user.db")).build())
			.build();
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.withBean("userEngine", HarmonyLiteEngine.class, () -> userEngine)
			.run((context) -> {
				assertThat(context).hasSingleBean(HarmonyLiteEngine.class);
				assertThat(context).getBean(HarmonyLiteEngine.class).isSameAs(userEngine);
				assertThat(context).hasSingleBean(EngineStartStopLifecycle.class);
			});
	}

	@Test
	void runWithAutoStartupDisabledShouldBuildTheEngineWithoutStartingIt() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db")).run((context) -> {
			assertThat(context.getBean(HarmonyLiteEngine.class).isRunning()).isFalse();
			assertThat(context.getBean(EngineStartStopLifecycle.class).isAutoStartup()).isFalse();
		});
	}

	@Test
	void autoStartupShouldBeOnByDefault() {
		HarmonyLiteProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("harmonylite", HarmonyLiteProperties.class);

		assertThat(properties.isAutoStartup()).isTrue();
	}

	@Test
	void runWithDefaultsShouldMatchCoreDefaults() {
		Path dbPath = this.tempDir.resolve("defaults.db");
		this.contextRunner.withPropertyValues("harmonylite.db-path=" + dbPath)
			.run((context) -> {
				HarmonyLiteConfig config = config(context);
				HarmonyLiteConfig defaults = HarmonyLiteConfig.builder()
					.nodeId(1)
					.dbPath(dbPath)
					.ignoreTables(List.of("flyway_schema_history", "DATABASECHANGELOG", "DATABASECHANGELOGLOCK"))
					.build();
				assertThat(config).usingRecursiveComparison().isEqualTo(defaults);
			});
	}

	@Test
	void runWithFlywayShouldNeverReplicateItsHistoryTable() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.ignore-tables=Sessions")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("Sessions",
					"flyway_schema_history", "DATABASECHANGELOG", "DATABASECHANGELOGLOCK"));
	}

	@Test
	void runWithCustomFlywayTableShouldNeverReplicateIt() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "spring.flyway.table=migrations")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("migrations",
					"DATABASECHANGELOG", "DATABASECHANGELOGLOCK"));
	}

	@Test
	void runWithHistoryTableAlreadyIgnoredShouldNotRepeatIt() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.ignore-tables=Flyway_Schema_History")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("Flyway_Schema_History",
					"DATABASECHANGELOG", "DATABASECHANGELOGLOCK"));
	}

	@Test
	void runWhenNoMigrationToolRunsShouldStillNeverReplicateTheirTables() {
		// As the standalone node, or an application whose file another application migrates: a history table in the
		// file is node-local all the same, and a node's hash equals a Spring node's of the same schema.
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "spring.flyway.enabled=false")
			.withClassLoader(new FilteredClassLoader("liquibase"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("flyway_schema_history",
					"DATABASECHANGELOG", "DATABASECHANGELOGLOCK"));
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.withClassLoader(new FilteredClassLoader("org.flywaydb", "liquibase"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("flyway_schema_history",
					"DATABASECHANGELOG", "DATABASECHANGELOGLOCK"));
	}

	@Test
	void runWithCustomLiquibaseTablesShouldNeverReplicateThem() {
		this.contextRunner
			.withPropertyValues(sqliteUrl("app.db"), "spring.liquibase.database-change-log-table=changes",
					"spring.liquibase.database-change-log-lock-table=changes_lock")
			.withClassLoader(new FilteredClassLoader("org.flywaydb"))
			.run((context) -> assertThat(config(context).ignoreTables()).containsExactly("flyway_schema_history",
					"changes", "changes_lock"));
	}

	@Test
	void propertiesShouldBindAndMapToEngineConfig() {
		// Bound and mapped without starting an engine: the values name tables and servers that do not exist.
		MapConfigurationPropertySource source = new MapConfigurationPropertySource(Map.of("harmonylite.node-id", "7",
				"harmonylite.tables", "Books,Authors", "harmonylite.ignore-tables", "Sessions", "harmonylite.publish",
				"false", "harmonylite.polling-interval", "200ms", "harmonylite.cleanup-interval", "5m",
				"harmonylite.nats.urls", "nats://a:4222,nats://b:4222", "harmonylite.nats.reconnect-wait", "3s",
				"harmonylite.nats.embedded.port", "0"));
		source.putAll(Map.of("harmonylite.replication.shards", "4", "harmonylite.replication.compress", "true",
				"harmonylite.replication.stream-prefix", "books", "harmonylite.schema.nak-delay", "10s",
				"harmonylite.schema.unknown-hash-quarantine", "5s"));
		HarmonyLiteProperties properties = new Binder(source).bind("harmonylite", HarmonyLiteProperties.class)
			.orElseThrow(IllegalStateException::new);
		HarmonyLiteConfig config = EngineConfigMapper.map(properties,
				new PropertiesNatsConnectionDetails(properties, null), this.tempDir.resolve("app.db"),
				List.of("flyway_schema_history"));
		assertThat(config.nodeId()).isEqualTo(7);
		assertThat(config.tables()).containsExactly("Books", "Authors");
		assertThat(config.ignoreTables()).containsExactly("Sessions", "flyway_schema_history");
		assertThat(config.publish()).isFalse();
		assertThat(config.replicate()).isTrue();
		assertThat(config.pollingInterval()).isEqualTo(Duration.ofMillis(200));
		assertThat(config.cleanupInterval()).isEqualTo(Duration.ofMinutes(5));
		assertThat(config.nats().urls()).containsExactly("nats://a:4222", "nats://b:4222");
		assertThat(config.nats().reconnectWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(config.nats().embedded().port()).isZero();
		assertThat(config.replication().shards()).isEqualTo(4);
		assertThat(config.replication().compress()).isTrue();
		assertThat(config.replication().streamName(3)).isEqualTo("books-3");
		assertThat(config.schema().nakDelay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(config.schema().unknownHashQuarantine()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void durabilityPropertiesShouldBindAndMapToEngineConfig() {
		MapConfigurationPropertySource source = new MapConfigurationPropertySource(Map.of("harmonylite.node-id", "1",
				"harmonylite.nats.embedded.sync", "2m", "harmonylite.nats.embedded.max-payload", "16MB",
				"harmonylite.nats.embedded.monitor-port", "8222", "harmonylite.nats.startup-timeout", "5m",
				"harmonylite.nats.embedded.cluster-addr", "localhost:4221", "harmonylite.nats.embedded.cluster-peers",
				"", "harmonylite.replication.replicas", "2"));
		HarmonyLiteProperties properties = new Binder(source).bind("harmonylite", HarmonyLiteProperties.class)
			.orElseThrow(IllegalStateException::new);
		HarmonyLiteConfig config = map(properties);
		assertThat(config.nats().embedded().sync()).isEqualTo("2m");
		assertThat(config.nats().embedded().maxPayload()).isEqualTo(16L * 1024 * 1024);
		assertThat(config.nats().embedded().monitorPort()).isEqualTo(8222);
		assertThat(config.nats().embedded().clusterPeers()).as("--cluster-peers \"\" means no peers").isEmpty();
		assertThat(config.nats().startupTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(config.replication().replicas()).isEqualTo(2);
	}

	@Test
	void replicasLeftUnsetShouldBeThreeWithThreeServersAndOneWithFewer() {
		HarmonyLiteProperties properties = new HarmonyLiteProperties();
		properties.setNodeId(1L);
		properties.getNats().getEmbedded().setClusterAddr("localhost:4221");
		properties.getNats().getEmbedded().setClusterPeers(List.of("nats://localhost:4222", "nats://localhost:4223"));
		HarmonyLiteConfig cluster = map(properties);
		properties.getNats().setUrls(List.of("nats://a:4222"));
		HarmonyLiteConfig external = map(properties);
		assertThat(cluster.replication().replicasFor(cluster.nats().serverCount())).isEqualTo(3);
		assertThat(external.replication().replicasFor(external.nats().serverCount())).isEqualTo(1);
	}

	private HarmonyLiteConfig map(HarmonyLiteProperties properties) {
		return EngineConfigMapper.map(properties, new PropertiesNatsConnectionDetails(properties, null),
				this.tempDir.resolve("app.db"), List.of());
	}

	@Test
	void runWithMisspelledPropertyShouldFailNamingIt() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.replicaton.shards=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(UnboundConfigurationPropertiesException.class)
					.rootCause()
					.hasMessageContaining("harmonylite.replicaton.shards");
			});
	}

	@Test
	void runWithUnknownEnumValueShouldFailNamingTheValuesItAccepts() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.snapshot.restore=sometimes")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("'sometimes' is not one of auto, if-empty, never");
			});
	}

	@Test
	void enumPropertiesShouldBindLikeSpringBootDoes() {
		this.contextRunner
			.withPropertyValues(sqliteUrl("app.db"), "harmonylite.snapshot.restore=if-empty",
					"harmonylite.snapshot.store=NATS")
			.run((context) -> assertThat(context.getBean(HarmonyLiteProperties.class).getSnapshot())
				.satisfies((snapshot) -> {
					assertThat(snapshot.getRestore()).isEqualTo(RestoreMode.IF_EMPTY);
					assertThat(snapshot.getStore()).isEqualTo(SnapshotStoreType.NATS);
				}));
	}

	@Test
	void runWithInvalidNodeIdShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.node-id=0")
			.run((context) -> assertFailsNaming(context, "harmonylite.node-id", "must be a positive number"));
	}

	@Test
	void runWithoutNodeIdShouldFailNamingProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HarmonyLiteAutoConfiguration.class))
			.withPropertyValues("harmonylite.db-path=" + this.tempDir.resolve("app.db"))
			.run((context) -> assertFailsNaming(context, "harmonylite.node-id", "is required"));
	}

	@Test
	void runWithZeroShardsShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.replication.shards=0")
			.run((context) -> assertFailsNaming(context, "harmonylite.replication.shards", "between 1 and 1024"));
	}

	@Test
	void runWithMalformedNatsUrlShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.urls=garbage")
			.run((context) -> assertFailsNaming(context, "harmonylite.nats.urls", "'garbage' is not a NATS URL"));
	}

	@Test
	void runWithNatsUrlWhosePortIsNotANumberShouldFailNamingPropertyAndUrl() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.urls=nats://127.0.0.1:notaport")
			.run((context) -> assertFailsNaming(context, "harmonylite.nats.urls",
					"'nats://127.0.0.1:notaport' has port 'notaport', which is not a number"));
	}

	@Test
	void runWithNatsUrlWhosePortIsOutOfRangeShouldFailNamingPropertyAndUrl() {
		this.contextRunner
			.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.urls=nats://127.0.0.1:4222,nats://127.0.0.1:99999")
			.run((context) -> assertFailsNaming(context, "harmonylite.nats.urls",
					"'nats://127.0.0.1:99999' has port '99999', which is not between 1 and 65535"));
	}

	@Test
	void runWithNatsUrlWithoutHostShouldFailNamingPropertyAndUrl() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.urls=nats://:4222")
			.run((context) -> assertFailsNaming(context, "harmonylite.nats.urls", "'nats://:4222' names no host"));
	}

	@Test
	void runWithZeroPollingIntervalShouldFailNamingProperty() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.polling-interval=0s")
			.run((context) -> assertFailsNaming(context, "harmonylite.polling-interval", "positive duration"));
	}

	@Test
	void runWithInMemorySqliteDataSourceShouldFailNamingDbPath() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:")
			.run((context) -> assertFailsNaming(context, "harmonylite.db-path", "in-memory"));
	}

	@Test
	void runWithNonSqliteDataSourceShouldFailNamingDbPath() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:other")
			.run((context) -> assertFailsNaming(context, "harmonylite.db-path", "is H2, not SQLite"));
	}

	@Test
	void runShouldTakeNatsConnectionDetailsFromProperties() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.run((context) -> assertThat(context).hasSingleBean(NatsConnectionDetails.class)
				.hasSingleBean(PropertiesNatsConnectionDetails.class));
	}

	@Test
	void runWithUserNatsConnectionDetailsShouldUseThem() {
		NatsConnectionDetails user = new NatsConnectionDetails() {

			@Override
			public List<String> getUrls() {
				// Empty: the embedded server, which accepts any token.
				return List.of();
			}

			@Override
			public String getToken() {
				return "from-a-service-connection";
			}

		};
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.token=from-properties")
			.withBean(NatsConnectionDetails.class, () -> user)
			.run((context) -> {
				assertThat(context).getBean(NatsConnectionDetails.class).isSameAs(user);
				assertThat(context).doesNotHaveBean(PropertiesNatsConnectionDetails.class);
				assertThat(config(context).nats().token()).isEqualTo("from-a-service-connection");
			});
	}

	@Test
	void runWithUnknownSslBundleShouldFailNamingProperty() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(sqliteUrl("app.db"), "harmonylite.nats.ssl.bundle=nats")
			.run((context) -> assertFailsNaming(context, "harmonylite.nats.ssl.bundle", "not a configured SSL bundle"));
	}

	@Test
	void runWithCustomizersShouldApplyThemInOrder() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"))
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(HarmonyLiteEngine.class);
				assertThat(context.getBean(AppliedCustomizers.class).names()).containsExactly("first", "second");
			});
	}

	@Test
	void startupFailureShouldBeExplainedByFailureAnalyzer() {
		this.contextRunner.withPropertyValues(sqliteUrl("app.db"), "harmonylite.replication.shards=0")
			.run((context) -> {
				FailureAnalysis analysis = new ConfigExceptionFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("harmonylite.replication.shards")
					.contains("must be between 1 and 1024, was 0");
				assertThat(analysis.getAction()).contains("set 'harmonylite.replication.shards'")
					.contains("HARMONYLITE_REPLICATION_SHARDS");
			});
	}

	private String sqliteUrl(String fileName) {
		return "spring.datasource.url=jdbc:sqlite:" + this.tempDir.resolve(fileName);
	}

	private static HarmonyLiteConfig config(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed().hasSingleBean(HarmonyLiteEngine.class);
		return context.getBean(HarmonyLiteEngine.class).config();
	}

	private static void assertFailsNaming(AssertableApplicationContext context, String property, String problem) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause()
			.isInstanceOfSatisfying(ConfigException.class, (ex) -> assertThat(ex.property()).isEqualTo(property))
			.hasMessageContaining(property)
			.hasMessageContaining(problem);
	}

	record AppliedCustomizers(List<String> names) {

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		AppliedCustomizers appliedCustomizers() {
			return new AppliedCustomizers(new CopyOnWriteArrayList<>());
		}

		@Bean
		@Order(2)
		HarmonyLiteEngineCustomizer secondCustomizer(AppliedCustomizers applied) {
			return (builder) -> applied.names().add("second");
		}

		@Bean
		@Order(1)
		HarmonyLiteEngineCustomizer firstCustomizer(AppliedCustomizers applied) {
			return (builder) -> {
				builder.clock(Clock.systemUTC());
				applied.names().add("first");
			};
		}

	}

}
