package io.harmonylite.node.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The node module's boundary: the standalone node is built on the library and the starter, and neither depends on
 * it, so that the node's command line and output can change without touching what applications embed.
 */
class NodeArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		// The node's classes and those of core and the auto-configuration, all on this module's classpath.
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.harmonylite");
	}

	@Test
	void coreAndAutoConfigurationShouldNotDependOnTheNode() {
		noClasses().that()
			.resideOutsideOfPackage("io.harmonylite.node..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.harmonylite.node..")
			.check(classes);
	}

	@Test
	void nodeShouldNotDependOnTheApplyOrPublishSide() {
		noClasses().that()
			.resideInAPackage("io.harmonylite.node..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.harmonylite.apply..", "io.harmonylite.replicate..")
			.check(classes);
	}

}
