package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider's code interpreter: the model writes Python and the provider runs it in a sandbox of
 * its own while the model answers ({@link Tool#codeInterpreter}).
 *
 * <ul>
 *   <li>OpenAI Responses: {@code {"type": "code_interpreter", "container": {"type": "auto",
 *       "memory_limit", "file_ids"}}}, or a container id to reuse one; the run's output is asked
 *       for ({@code include: code_interpreter_call.outputs});
 *   <li>Gemini: {@code {"codeExecution": {}}}, which takes none of these settings.
 * </ul>
 *
 * Each run comes back as a {@link dev.beamllm.prompt.ServerToolUse} of kind {@link #KIND}: the code
 * as arguments ({@code {"code": ...}}), the logs as output. Immutable; each {@code withX} checks
 * its argument at once.
 */
@AutoValue
@SerializableAutoValue
public abstract non-sealed class CodeInterpreter implements BuiltinTool {
  private static final long serialVersionUID = 1L;

  /** The tool's name, and the {@link dev.beamllm.prompt.ServerToolUse#kind} of its runs. */
  public static final String KIND = "code_interpreter";

  private static final List<String> MEMORY_LIMITS = List.of("1g", "4g", "16g", "64g");

  /** OpenAI's container memory limit ({@code 1g}, {@code 4g}, {@code 16g} or {@code 64g}). */
  public abstract Optional<String> memoryLimit();

  /** Files uploaded to OpenAI that the code may read. */
  public abstract List<String> fileIds();

  /** An existing OpenAI container to run in, instead of a new one per answer. */
  public abstract Optional<String> containerId();

  abstract Builder toBuilder();

  /** A new container per answer, with the provider's default memory and no files. */
  public static CodeInterpreter defaults() {
    return new AutoValue_CodeInterpreter.Builder().fileIds(List.of()).build();
  }

  /** The container's memory: {@code 1g}, {@code 4g}, {@code 16g} or {@code 64g}. */
  public CodeInterpreter withMemoryLimit(String limit) {
    if (!MEMORY_LIMITS.contains(limit)) {
      throw new IllegalArgumentException(
          "the code interpreter's memory limit is one of "
              + MEMORY_LIMITS
              + ", not '"
              + limit
              + "'");
    }
    noContainer("a memory limit");
    return toBuilder().memoryLimit(limit).build();
  }

  /** Files uploaded to OpenAI ({@code file-...}) that the code may read. */
  public CodeInterpreter withFileIds(List<String> ids) {
    List<String> out = new ArrayList<>();
    for (String id : Objects.requireNonNull(ids, "ids")) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("a file id must not be blank");
      }
      out.add(id);
    }
    if (!out.isEmpty()) {
      noContainer("file ids");
    }
    return toBuilder().fileIds(List.copyOf(out)).build();
  }

  /**
   * Runs in this existing container ({@code cntr_...}); its memory and files are its own, so it
   * takes neither {@link #withMemoryLimit} nor {@link #withFileIds}.
   */
  public CodeInterpreter withContainerId(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a container id: '" + id + "'");
    }
    if (memoryLimit().isPresent() || !fileIds().isEmpty()) {
      throw new IllegalArgumentException(
          "a code interpreter in an existing container takes that container's memory and files;"
              + " set no memory limit or file ids with it");
    }
    return toBuilder().containerId(id).build();
  }

  /** The tool: named {@value #KIND}. */
  public Tool toTool() {
    return Tool.ofBuiltin(KIND, this);
  }

  private void noContainer(String what) {
    if (containerId().isPresent()) {
      throw new IllegalArgumentException(
          "a code interpreter in container "
              + containerId().get()
              + " takes that container's memory and files; it cannot take "
              + what);
    }
  }

  @Override
  public boolean runsOnProvider() {
    return true;
  }

  @Override
  public String describe() {
    return "code interpreter";
  }

  @Override
  public String toJson() {
    ObjectNode o = Json.object().put("kind", KIND);
    memoryLimit().ifPresent(m -> o.put("memory_limit", m));
    if (!fileIds().isEmpty()) {
      fileIds().forEach(o.putArray("file_ids")::add);
    }
    containerId().ifPresent(c -> o.put("container_id", c));
    return Json.canonical(o);
  }

  static CodeInterpreter fromJson(JsonNode o) {
    CodeInterpreter c = defaults();
    if (o.has("memory_limit")) {
      c = c.withMemoryLimit(o.get("memory_limit").asText());
    }
    List<String> files = new ArrayList<>();
    o.path("file_ids").forEach(f -> files.add(f.asText()));
    c = c.withFileIds(files);
    if (o.has("container_id")) {
      c = c.withContainerId(o.get("container_id").asText());
    }
    return c;
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder memoryLimit(String limit);

    abstract Builder fileIds(List<String> ids);

    abstract Builder containerId(String id);

    abstract CodeInterpreter build();
  }
}
