package io.harmonylite.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.harmonylite.testsupport.NatsTestServer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives the notes page of two running nodes in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): a note added on node 1's page appears on node 2's open page, and an edit made on node 2's
 * page appears on node 1's, pushed to the page as a Server-Sent Event when the node has applied it (the pages do not
 * poll the notes). Both nodes run in this JVM, each on its own SQLite file and free ports, connected to one real
 * nats-server on a free port.
 */
class NotesBrowserIntegrationTests {

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Duration REPLICATED = Duration.ofSeconds(30);

	@TempDir
	static Path tempDir;

	static NatsTestServer nats;

	static ConfigurableApplicationContext node1;

	static ConfigurableApplicationContext node2;

	WebDriver browser;

	@BeforeAll
	static void startNodes() {
		nats = NatsTestServer.start();
		node1 = startNode(1);
		node2 = startNode(2);
	}

	private static ConfigurableApplicationContext startNode(int id) {
		return new SpringApplicationBuilder(HarmonyLiteSampleApplication.class).run("--server.port=0",
				"--harmonylite.node-id=" + id, "--harmonylite.db-path=" + tempDir.resolve("notes-" + id + ".db"),
				"--harmonylite.nats.urls=" + nats.url(), "--spring.application.name=notes-node-" + id);
	}

	@AfterAll
	static void stopNodes() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { node2, node1 }) {
			if (node != null) {
				node.close();
			}
		}
		if (nats != null) {
			nats.close();
		}
	}

	@BeforeEach
	void startBrowser() throws Exception {
		assertThat(CHROMEDRIVER).as("chromedriver; install the Debian packages chromium and chromium-driver "
				+ "(.ci/run does)").isExecutable();
		assertThat(CHROMIUM).as("chromium; install the Debian package chromium (.ci/run does)").isExecutable();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--window-size=1200,1000",
				"--user-data-dir=" + Files.createTempDirectory(tempDir, "chromium-"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void noteAddedOnNode1AppearsOnNode2AndEditOnNode2AppearsOnNode1() {
		this.browser.get(url(node1));
		String node1Tab = this.browser.getWindowHandle();
		eventually().untilAsserted(() -> assertThat(text("served-by")).startsWith("Served by node 1"));
		assertThat(text("node-state")).isEqualTo("RUNNING");
		eventually().untilAsserted(() -> assertThat(text("live")).isEqualTo("connected"));
		this.browser.switchTo().newWindow(WindowType.TAB).get(url(node2));
		String node2Tab = this.browser.getWindowHandle();
		eventually().untilAsserted(() -> assertThat(text("served-by")).startsWith("Served by node 2"));
		eventually().untilAsserted(() -> assertThat(text("live")).isEqualTo("connected"));

		this.browser.switchTo().window(node1Tab);
		this.browser.findElement(By.id("note-title")).sendKeys("Groceries");
		this.browser.findElement(By.id("note-body")).sendKeys("Milk and bread");
		this.browser.findElement(By.id("note-save")).click();
		eventually().untilAsserted(() -> assertThat(noteTitles()).containsExactly("Groceries"));
		assertThat(text("message")).isEqualTo("Added “Groceries” on node 1.");

		// Node 2's page is told by its node: no reload, no polling.
		this.browser.switchTo().window(node2Tab);
		eventually().untilAsserted(() -> assertThat(noteTitles()).containsExactly("Groceries"));
		assertThat(text("live")).isEqualTo("connected; last change from node 1");
		// The list re-renders on events: read and click through retries that tolerate a stale element.
		eventually().untilAsserted(() -> {
			WebElement note = this.browser.findElement(By.cssSelector("#notes li"));
			assertThat(note.findElement(By.className("body")).getText()).isEqualTo("Milk and bread");
			assertThat(note.findElement(By.className("meta")).getText()).endsWith("on node 1");
		});
		eventually().untilAsserted(() -> this.browser.findElement(By.cssSelector("#notes li .edit")).click());
		assertThat(this.browser.findElement(By.id("form-heading")).getText()).isEqualTo("Edit note");
		WebElement title = this.browser.findElement(By.id("note-title"));
		title.clear();
		title.sendKeys("Groceries for Sunday");
		this.browser.findElement(By.id("note-save")).click();
		eventually()
			.untilAsserted(() -> assertThat(noteTitles()).containsExactly("Groceries for Sunday"));

		this.browser.switchTo().window(node1Tab);
		eventually()
			.untilAsserted(() -> assertThat(noteTitles()).containsExactly("Groceries for Sunday"));
		eventually().untilAsserted(() -> assertThat(
				this.browser.findElement(By.cssSelector("#notes li .meta")).getText()).endsWith("on node 2"));
		assertThat(text("live")).isEqualTo("connected; last change from node 2");
	}

	private static ConditionFactory eventually() {
		return await().atMost(REPLICATED).ignoreException(StaleElementReferenceException.class);
	}

	private String text(String id) {
		return this.browser.findElement(By.id(id)).getText();
	}

	private List<String> noteTitles() {
		return this.browser.findElements(By.cssSelector("#notes li .title")).stream().map(WebElement::getText).toList();
	}

	private static String url(ConfigurableApplicationContext node) {
		return "http://localhost:" + node.getEnvironment().getProperty("local.server.port") + "/";
	}

}
