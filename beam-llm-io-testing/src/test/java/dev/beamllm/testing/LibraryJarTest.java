package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

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
 * The fake provider lives in this artifact only: the beam-llm-io artifact this module is built
 * against (its jar under {@code mvn package} or {@code verify}, its classes directory under {@code
 * mvn test}) holds no {@code dev/beamllm/testing/} entry, so a class moved back into the library
 * fails here.
 */
public class LibraryJarTest {
  private static final String PACKAGE_DIR = "dev/beamllm/testing/";

  @Test
  public void theLibraryArtifactHoldsNoTestingEntries() throws Exception {
    assertEquals(List.of(), testingEntries(codeSource(LlmClient.class)));
  }

  @Test
  public void theFakeProviderComesFromThisArtifactNotTheLibrarys() throws Exception {
    assertNotEquals(codeSource(LlmClient.class), codeSource(FakeProviderServer.class));
  }

  /** The classes directory or jar a class was loaded from. */
  private static Path codeSource(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Files (classes, resources) under {@code dev/beamllm/testing/} in a classes directory or a jar.
   * Empty directories are left out: an incremental build leaves them behind in target/classes after
   * a package moves away, and the jar then carries them.
   */
  private static List<String> testingEntries(Path classesOrJar) throws IOException {
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
