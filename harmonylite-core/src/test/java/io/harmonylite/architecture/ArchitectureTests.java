package io.harmonylite.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

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
					"io.harmonylite.sqlite..", "io.harmonylite.snapshot..", "io.harmonylite.conflict..")
			.check(core);
	}

	@Test
	void buildingBlocksShouldNotDependOnTheEngine() {
		noClasses().that()
			.resideInAnyPackage("io.harmonylite.capture..", "io.harmonylite.apply..", "io.harmonylite.replicate..",
					"io.harmonylite.schema..", "io.harmonylite.nats..", "io.harmonylite.sqlite..", "io.harmonylite.event..",
					"io.harmonylite.conflict..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.harmonylite.engine..")
			.check(core);
	}

	@Test
	void captureApplyConflictAndSchemaShouldNotDependOnNatsOrThePublisher() {
		noClasses().that()
			.resideInAnyPackage("io.harmonylite.capture..", "io.harmonylite.apply..", "io.harmonylite.schema..",
					"io.harmonylite.conflict..")
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
	void applySideShouldReadShardsOnlyThroughItsPort() {
		// The receive port: apply owns ShardSource; nats implements it, apply never sees NATS.
		noClasses().that()
			.resideInAPackage("io.harmonylite.apply..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.harmonylite.nats..")
			.because("apply reads shard streams through its ShardSource port, implemented in nats")
			.check(core);
	}

	@Test
	void onlyTheNodeAssemblyShouldKnowNats() {
		// The supervisor, the status and the schema monitor work on ports, so in-memory fakes can stand in for NATS.
		noClasses().that()
			.resideInAPackage("io.harmonylite.engine..")
			.and()
			.haveNameNotMatching("io\\.harmonylite\\.engine\\.NodeAssembly(\\$.*)?")
			.should()
			.dependOnClassesThat(resideInAPackage("io.harmonylite.nats..").and(not(simpleNameEndingWith("Config"))))
			.because("only NodeAssembly connects the engine to NATS; the rest reads the NATS settings at most")
			.check(core);
	}

	@Test
	void engineShouldHaveNoSetterInjection() {
		// Parts are finished at construction, never afterwards.
		noMethods().that()
			.areDeclaredInClassesThat()
			.resideInAPackage("io.harmonylite.engine..")
			.should()
			.haveNameMatching("set[A-Z].*")
			.check(core);
	}

	@Test
	void runningNodeShouldBeImmutable() {
		fields().that()
			.areDeclaredInClassesThat()
			.haveFullyQualifiedName("io.harmonylite.engine.RunningNode")
			.should()
			.beFinal()
			.check(core);
	}

	@Test
	void coreShouldNotUseSpring() {
		noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..")
			.check(core);
	}

}
