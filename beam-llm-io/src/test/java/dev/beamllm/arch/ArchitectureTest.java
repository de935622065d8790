package dev.beamllm.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The shape of the library, checked over its compiled classes: the top-level packages (a
 * sub-package counts with its parent) depend on each other without a cycle, and the prompt model
 * knows nothing of providers or Beam.
 */
public class ArchitectureTest {
  private static JavaClasses library;

  @BeforeClass
  public static void importLibrary() {
    library =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.beamllm");
  }

  @Test
  public void topLevelPackagesFormNoCycle() {
    slices().matching("dev.beamllm.(*)..").should().beFreeOfCycles().check(library);
  }

  @Test
  public void thePromptModelImportsNoProviderAndNoBeam() {
    noClasses()
        .that()
        .resideInAPackage("dev.beamllm.prompt..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.beamllm.provider..",
            "dev.beamllm.client..",
            "dev.beamllm.beam..",
            "dev.beamllm.response..",
            "org.apache.beam..")
        .check(library);
  }

  @Test
  public void onlyTheBeamPackageKnowsBeam() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.beamllm.beam..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.beam..")
        .check(library);
  }
}
