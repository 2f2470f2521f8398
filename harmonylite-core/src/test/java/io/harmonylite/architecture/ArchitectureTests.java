package io.harmonylite.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package rules of harmonylite-core (see the architecture document): NATS stays in {@code nats}, the event model
 * depends on nothing, the building blocks never reach up into the engine.
 */
class ArchitectureTests {

	private static JavaClasses core;

	@BeforeAll
	static void importCore() {
		core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.harmonylite");
	}

	@Test
	void onlyTheNatsPackageShouldUseTheNatsClient() {
		noClasses().that()
			.resideOutsideOfPackage("io.harmonylite.nats..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.nats..")
			.check(core);
	}

	@Test
	void eventPackageShouldDependOnNoOtherHarmonyLitePackage() {
		noClasses().that()
			.resideInAPackage("io.harmonylite.event..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.harmonylite.capture..", "io.harmonylite.apply..", "io.harmonylite.replicate..",
					"io.harmonylite.schema..", "io.harmonylite.nats..", "io.harmonylite.engine..",
					"io.harmonylite.sqlite..", "io.harmonylite.snapshot..")
			.check(core);
	}

	@Test
	void buildingBlocksShouldNotDependOnTheEngine() {
		noClasses().that()
			.resideInAnyPackage("io.harmonylite.capture..", "io.harmonylite.apply..", "io.harmonylite.replicate..",
					"io.harmonylite.schema..", "io.harmonylite.nats..", "io.harmonylite.sqlite..", "io.harmonylite.event..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.harmonylite.engine..")
			.check(core);
	}

	@Test
	void captureApplyAndSchemaShouldNotDependOnNatsOrThePublisher() {
		noClasses().that()
			.resideInAnyPackage("io.harmonylite.capture..", "io.harmonylite.apply..", "io.harmonylite.schema..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.harmonylite.nats..", "io.harmonylite.replicate..")
			.check(core);
	}

	@Test
	void snapshotsShouldReachNatsAndTheEngineOnlyThroughTheirPorts() {
		noClasses().that()
			.resideInAPackage("io.harmonylite.snapshot..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.harmonylite.nats..", "io.harmonylite.engine..", "io.harmonylite.replicate..")
			.check(core);
	}

	@Test
	void coreShouldNotUseSpring() {
		noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..")
			.check(core);
	}

}
