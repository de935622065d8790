package dev.beamllm.tool.prefab;

import static org.junit.Assert.assertEquals;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.ToolSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/** Calls through a {@link ToolSet}, as the agent loop makes them, and checks on their results. */
final class PrefabCalls {
  private PrefabCalls() {}

  /** One call of {@code tool} with these JSON arguments. */
  static ToolResult call(ToolSet tools, String tool, String argumentsJson) {
    return tools.run(ToolCall.of("call_1", tool, argumentsJson)).join();
  }

  /** Asserts a result that is not an error, with exactly this text. */
  static void assertResult(String expected, ToolResult result) {
    assertEquals("error flag of: " + result.text(), false, result.isError());
    assertEquals(expected, result.text());
  }

  /** Asserts an error result with exactly this text. */
  static void assertError(String expected, ToolResult result) {
    assertEquals("error flag of: " + result.text(), true, result.isError());
    assertEquals(expected, result.text());
  }

  /** A copy made by Java serialization, as Beam carries tools to its workers. */
  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The serialized form as text (Latin-1), to look for a secret in it. */
  static String serializedText(Object value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      return bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
