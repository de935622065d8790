package dev.beamllm.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.Assert.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

  /**
   * The API packages: what users import. Packages named {@code internal} and the wire-format
   * implementations under {@code provider} (reached through {@code Adapters} and {@code
   * WireFormats}) are not API.
   */
  private static final Set<String> API =
      Set.of(
          "dev.beamllm.prompt",
          "dev.beamllm.response",
          "dev.beamllm.model",
          "dev.beamllm.client",
          "dev.beamllm.cache",
          "dev.beamllm.tool",
          "dev.beamllm.tool.prefab",
          "dev.beamllm.mcp",
          "dev.beamllm.beam",
          "dev.beamllm.provider");

  @Test
  public void noThirdPartyTypeInThePublicApi() {
    List<String> leaks = new ArrayList<>();
    for (JavaClass c : library) {
      if (!API.contains(c.getPackageName()) || !c.getModifiers().contains(JavaModifier.PUBLIC)) {
        continue;
      }
      for (JavaMember m : c.getMembers()) {
        Set<JavaModifier> mods = m.getModifiers();
        if (!mods.contains(JavaModifier.PUBLIC) && !mods.contains(JavaModifier.PROTECTED)) {
          continue;
        }
        List<JavaClass> types = new ArrayList<>();
        if (m instanceof JavaField f) {
          types.add(f.getRawType());
        } else if (m instanceof JavaCodeUnit u) {
          types.add(u.getRawReturnType());
          types.addAll(u.getRawParameterTypes());
        }
        for (JavaClass t : types) {
          for (String thirdParty : THIRD_PARTY) {
            if (t.getPackageName().startsWith(thirdParty)) {
              leaks.add(m.getFullName() + " uses " + t.getName());
            }
          }
        }
      }
    }
    assertEquals("third-party types in public signatures", List.of(), leaks);
  }

  /**
   * Libraries whose types stay out of the public API: Jackson, the MCP SDK and its Reactor, the
   * JSON schema generator and validator.
   */
  private static final List<String> THIRD_PARTY =
      List.of(
          "com.fasterxml.jackson",
          "io.modelcontextprotocol",
          "reactor.",
          "org.reactivestreams",
          "com.networknt",
          "com.github.victools");

  @Test
  public void mcpBuildsOnToolsAndPromptsOnly() {
    noClasses()
        .that()
        .resideInAPackage("dev.beamllm.mcp..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.beamllm.client..",
            "dev.beamllm.beam..",
            "dev.beamllm.provider..",
            "dev.beamllm.cache..",
            "org.apache.beam..")
        .check(library);
  }
}
