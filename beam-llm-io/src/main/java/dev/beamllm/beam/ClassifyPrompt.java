package dev.beamllm.beam;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.client.TextInput;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a classification sends: the JSON schema that constrains the answer to the labels ({@code
 * {"label": <one of them>}}, strict: required, no other property), and the conversation of one
 * text: a system message listing the labels (and the user's instructions), then the text alone as
 * the user's message.
 */
final class ClassifyPrompt implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> labels;
  private final @Nullable String instructions;
  private final String schemaJson;
  private final String system;

  private ClassifyPrompt(List<String> labels, @Nullable String instructions) {
    this.labels = labels;
    this.instructions = instructions;
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode label = schema.putObject("properties").putObject("label").put("type", "string");
    ArrayNode values = label.putArray("enum");
    labels.forEach(values::add);
    schema.putArray("required").add("label");
    schema.put("additionalProperties", false);
    this.schemaJson = Json.write(schema);
    StringBuilder s =
        new StringBuilder("Classify the text the user sends with exactly one of these labels: ");
    for (int i = 0; i < labels.size(); i++) {
      s.append(i == 0 ? "" : ", ")
          .append(Json.write(Json.MAPPER.getNodeFactory().textNode(labels.get(i))));
    }
    s.append(". Answer with a JSON object whose \"label\" is the label, written exactly as above.");
    if (instructions != null) {
      s.append("\n\n").append(instructions);
    }
    this.system = s.toString();
  }

  /**
   * The prompt for these labels (at least one, none blank, all distinct) and optional instructions.
   *
   * @throws IllegalArgumentException naming the label that cannot work
   */
  static ClassifyPrompt of(List<String> labels, @Nullable String instructions) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("labels: at least one label is needed");
    }
    Set<String> seen = new HashSet<>();
    for (String l : labels) {
      if (l == null || l.isBlank()) {
        throw new IllegalArgumentException("labels: a label is null or blank in " + labels);
      }
      if (!seen.add(l)) {
        throw new IllegalArgumentException("labels: \"" + l + "\" is given twice in " + labels);
      }
    }
    return new ClassifyPrompt(List.copyOf(labels), instructions);
  }

  /** This prompt with other instructions (null or blank: none). */
  ClassifyPrompt withInstructions(@Nullable String text) {
    return new ClassifyPrompt(labels, text == null || text.isBlank() ? null : text.strip());
  }

  List<String> labels() {
    return labels;
  }

  @Nullable String instructions() {
    return instructions;
  }

  /** The JSON schema of an answer. */
  String schemaJson() {
    return schemaJson;
  }

  /** The system message. */
  String system() {
    return system;
  }

  /** The conversation of one text, with the text's id. */
  Conversation conversation(TextInput text) {
    Conversation c = Conversation.of(Message.system(system), Message.user(text.text()));
    return text.id() == null ? c : c.withId(text.id());
  }
}
