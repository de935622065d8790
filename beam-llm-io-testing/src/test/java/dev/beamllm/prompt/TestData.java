package dev.beamllm.prompt;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths into the repository's {@code testdata/} folder, from any module's working directory. A copy
 * of beam-llm-io's test class of the same name: one module's test classes are not on another's test
 * classpath.
 */
public final class TestData {
  private TestData() {}

  /** The {@code testdata/} folder. */
  public static Path dir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata")) && Files.exists(p.resolve("pom.xml"))) {
        return p.resolve("testdata");
      }
    }
    throw new IllegalStateException("no testdata/ above " + here);
  }

  /** A path inside {@code testdata/}. */
  public static Path file(String relative) {
    return dir().resolve(relative);
  }
}
