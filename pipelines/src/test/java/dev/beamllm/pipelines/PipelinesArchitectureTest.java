package dev.beamllm.pipelines;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The jobs' packages form no cycle, and jobs use the library only through its API, never its
 * internal packages or a wire format's implementation.
 */
public class PipelinesArchitectureTest {
  private static JavaClasses jobs;

  @BeforeClass
  public static void importJobs() {
    jobs =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.beamllm.pipelines");
  }

  @Test
  public void packagesFormNoCycle() {
    slices().matching("dev.beamllm.pipelines.(*)..").should().beFreeOfCycles().check(jobs);
  }

  @Test
  public void jobsUseOnlyTheLibrarysApi() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.beamllm.provider.internal..",
            "dev.beamllm.provider.openai..",
            "dev.beamllm.provider.anthropic..",
            "dev.beamllm.provider.gemini..",
            "dev.beamllm.provider.mistral..",
            "dev.beamllm.provider.cohere..",
            "dev.beamllm.provider.bedrock..")
        .check(jobs);
  }
}
