package dev.beamllm;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.beamllm.client.LlmClient;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The library holds no {@code dev.beamllm.testing} classes: the fake provider is its own artifact,
 * {@code beam-llm-io-testing}, that users add with test scope. Each check fails if a class of that
 * package comes back into this module: its main sources and resources, its compiled main and test
 * classes, or the fake provider loadable from its test classpath. The built jar is checked by
 * {@code LibraryJarTest} in beam-llm-io-testing, where the reactor hands over the jar of this build
 * rather than one left in target/ by an earlier build.
 */
public class LibraryHasNoTestingClassesTest {
  private static final String PACKAGE = "dev.beamllm.testing";
  private static final String PACKAGE_DIR = PACKAGE.replace('.', '/') + "/";

  @Test
  public void theFakeProviderIsNotOnTheLibrarysClasspath() {
    assertThrows(
        ClassNotFoundException.class, () -> Class.forName(PACKAGE + ".FakeProviderServer"));
  }

  @Test
  public void noSourcesOrResourcesInTheTestingPackage() throws IOException {
    for (String root : List.of("src/main/java", "src/main/resources")) {
      assertEquals(root, List.of(), testingEntries(Path.of(root)));
    }
  }

  @Test
  public void theLibrarysCompiledClassesHoldNoTestingEntries() throws Exception {
    assertEquals(List.of(), testingEntries(codeSource(LlmClient.class)));
  }

  @Test
  public void theLibrarysTestClassesHoldNoTestingEntries() throws Exception {
    assertEquals(List.of(), testingEntries(codeSource(getClass())));
  }

  /** The classes directory or jar a class was loaded from. */
  static Path codeSource(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Files (classes, resources, sources) under {@code dev/beamllm/testing/} in a directory or a jar.
   * Empty directories are left out: an incremental build leaves them behind in target/classes after
   * a package moves away, and the jar then carries them.
   */
  static List<String> testingEntries(Path classesOrJar) throws IOException {
    if (!Files.exists(classesOrJar)) {
      return List.of();
    }
    if (Files.isDirectory(classesOrJar)) {
      try (Stream<Path> files = Files.walk(classesOrJar)) {
        return files
            .filter(Files::isRegularFile)
            .map(p -> classesOrJar.relativize(p).toString().replace('\\', '/'))
            .filter(name -> name.startsWith(PACKAGE_DIR))
            .sorted()
            .collect(Collectors.toList());
      }
    }
    try (JarFile jar = new JarFile(classesOrJar.toFile())) {
      return jar.stream()
          .filter(e -> !e.isDirectory())
          .map(e -> e.getName())
          .filter(name -> name.startsWith(PACKAGE_DIR))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
