package dev.beamllm.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the project's JSONL prompt files, one request per line:
 *
 * <pre>{@code
 * {"id": "q1", "prompt": "What is 2+2?"}
 * {"id": "q2", "system": "You are terse.", "prompt": "Name a prime."}
 * {"id": "q3", "messages": [{"role": "user", "content": [{"type": "text", "text": "..."},
 *                                                        {"type": "image", "path": "images/cat.png"}]}],
 *  "model": "claude-3.5-haiku", "max_new_tokens": 200, "temperature": 0.2, "json_schema": {...},
 *  "metadata": {"source": "faq"}}
 * {"id": "q4", "prompt": "...", "prefer_model": "gpt-4.1-nano", "service_tier": "flex"}
 * }</pre>
 *
 * {@code messages} use the JSON form of {@link ConversationJson}; relative paths resolve against
 * the JSONL file's directory. A line that cannot be used becomes a {@link BadRow} with its line
 * number and the reason; blank lines are skipped.
 */
public final class PromptRows {
  private PromptRows() {}

  /** One line of a prompts file: a usable {@link Row} or a {@link BadRow}. */
  public sealed interface Line permits Row, BadRow {
    /** The 1-based line number in the file. */
    int lineNumber();

    /** The row's id, or {@code line-N} when it has none or could not be read. */
    String id();
  }

  /**
   * A usable row.
   *
   * @param lineNumber 1-based line number
   * @param id the row's id
   * @param conversation the request, carrying the id and metadata
   * @param model the row's own model, or null to use the job's
   * @param maxNewTokens the row's own output limit, or null to use the job's
   * @param temperature the row's own temperature, or null to use the job's
   * @param jsonSchema the row's own output schema (a JSON object, as text), or null to use the
   *     job's
   * @param preferModel the model the row goes to while it can, or null
   * @param serviceTier the row's own service tier, or null to use the job's
   */
  public record Row(
      int lineNumber,
      String id,
      Conversation conversation,
      String model,
      Integer maxNewTokens,
      Double temperature,
      String jsonSchema,
      String preferModel,
      String serviceTier)
      implements Line {}

  /**
   * A line that cannot be used.
   *
   * @param lineNumber 1-based line number
   * @param id the row's id if it could be read, else {@code line-N}
   * @param reason what is wrong, and where in the row
   * @param text the line as it was
   */
  public record BadRow(int lineNumber, String id, String reason, String text) implements Line {}

  /** Reads every non-blank line of a JSONL file. */
  public static List<Line> read(Path file) {
    Path baseDir = file.toAbsolutePath().getParent();
    List<Line> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int lineNumber = 0;
      while ((text = reader.readLine()) != null) {
        lineNumber++;
        if (!text.isBlank()) {
          out.add(parse(text, lineNumber, baseDir));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read prompts file " + file, e);
    }
    return out;
  }

  /** Parses one line; never throws for bad content. */
  public static Line parse(String text, int lineNumber, Path baseDir) {
    String id = "line-" + lineNumber;
    try {
      JsonNode root = Json.parse(text);
      if (!root.isObject()) {
        throw new InvalidPromptException("a row must be a JSON object");
      }
      JsonNode idNode = root.get("id");
      if (idNode != null && !idNode.isNull()) {
        id = idNode.isTextual() ? idNode.textValue() : idNode.toString();
      }
      Conversation conversation = conversation((ObjectNode) root, baseDir).withId(id);
      JsonNode metadata = root.get("metadata");
      if (metadata != null && !metadata.isNull()) {
        if (!metadata.isObject()) {
          throw new InvalidPromptException("\"metadata\" must be a JSON object");
        }
        conversation = conversation.withMetadataJson(Json.write(metadata));
      }
      String model = ConversationJson.textOrNull(root, "model");
      Integer maxNewTokens = null;
      JsonNode max = root.get("max_new_tokens");
      if (max != null && !max.isNull()) {
        if (!max.canConvertToInt() || max.asInt() <= 0) {
          throw new InvalidPromptException("\"max_new_tokens\" must be a positive integer");
        }
        maxNewTokens = max.asInt();
      }
      Double temperature = null;
      JsonNode t = root.get("temperature");
      if (t != null && !t.isNull()) {
        if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2) {
          throw new InvalidPromptException("\"temperature\" must be a number from 0 to 2");
        }
        temperature = t.asDouble();
      }
      String jsonSchema = null;
      JsonNode schema = root.get("json_schema");
      if (schema != null && !schema.isNull()) {
        if (!schema.isObject()) {
          throw new InvalidPromptException("\"json_schema\" must be a JSON object (a JSON schema)");
        }
        jsonSchema = Json.write(schema);
      }
      return new Row(
          lineNumber,
          id,
          conversation,
          model,
          maxNewTokens,
          temperature,
          jsonSchema,
          nonBlank(root, "prefer_model"),
          nonBlank(root, "service_tier"));
    } catch (InvalidPromptException e) {
      return new BadRow(lineNumber, id, e.getMessage(), text);
    }
  }

  /** A text field, or null when absent; refused when it is not text or blank. */
  private static String nonBlank(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw new InvalidPromptException("\"" + field + "\" must be a non-empty string");
    }
    return v.textValue().trim();
  }

  private static Conversation conversation(ObjectNode root, Path baseDir) {
    boolean hasPrompt = root.hasNonNull("prompt");
    boolean hasMessages = root.has("messages");
    if (hasPrompt && hasMessages) {
      throw new InvalidPromptException("row has both \"prompt\" and \"messages\"; give one");
    }
    if (hasPrompt) {
      String system = ConversationJson.textOrNull(root, "system");
      String prompt = ConversationJson.textOrNull(root, "prompt");
      Conversation c =
          system == null ? Conversation.user(prompt) : Conversation.system(system).addUser(prompt);
      return c.validate();
    }
    if (hasMessages) {
      ObjectNode form = Json.object();
      form.set("messages", root.get("messages"));
      return ConversationJson.fromTree(form, baseDir);
    }
    throw new InvalidPromptException("row has neither \"prompt\" nor \"messages\"");
  }
}
