package dev.beamllm.prompt;

import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A list of {@link Message}s to send to a model, with an optional id and metadata that travel with
 * it so every answer can be traced to its input. Immutable: every {@code add} or {@code withX}
 * returns a new conversation.
 *
 * <pre>{@code
 * Conversation c = Conversation.system("You are terse.")
 *     .add(Message.user("What is in this image?").addImage(Path.of("cat.png")));
 * }</pre>
 */
public final class Conversation {
  private final List<Message> messages;
  private final String id;
  private final String metadataJson;

  private Conversation(List<Message> messages, String id, String metadataJson) {
    this.messages = List.copyOf(messages);
    this.id = id;
    this.metadataJson = metadataJson;
  }

  /** A conversation that starts with a system prompt. */
  public static Conversation system(String text) {
    return of(Message.system(text));
  }

  /** A conversation of one user message. */
  public static Conversation user(String text) {
    return of(Message.user(text));
  }

  /** A conversation of the given messages. */
  public static Conversation of(Message... messages) {
    return of(Arrays.asList(messages));
  }

  /** A conversation of the given messages. */
  public static Conversation of(List<Message> messages) {
    for (Message m : messages) {
      Objects.requireNonNull(m, "message");
    }
    return new Conversation(messages, null, null);
  }

  /** Reads the project's JSON form (see {@link ConversationJson}). */
  public static Conversation fromJson(String json) {
    return ConversationJson.fromJson(json);
  }

  /** The messages, in order. */
  public List<Message> messages() {
    return messages;
  }

  /** The caller's id for this conversation, if set. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The caller's metadata as canonical JSON, if set. */
  public Optional<String> metadataJson() {
    return Optional.ofNullable(metadataJson);
  }

  /** The caller's metadata as a map of plain Java values (empty when unset). */
  public Map<String, Object> metadata() {
    return metadataJson == null ? Map.of() : Json.toMap(Json.parse(metadataJson));
  }

  /** This conversation with one more message. */
  public Conversation add(Message message) {
    List<Message> next = new ArrayList<>(messages);
    next.add(Objects.requireNonNull(message, "message"));
    return new Conversation(next, id, metadataJson);
  }

  /** This conversation with a user message of text. */
  public Conversation addUser(String text) {
    return add(Message.user(text));
  }

  /** This conversation with an assistant message of text. */
  public Conversation addAssistant(String text) {
    return add(Message.assistant(text));
  }

  /** This conversation with the caller's id. */
  public Conversation withId(String id) {
    return new Conversation(messages, id, metadataJson);
  }

  /** This conversation with metadata given as a map of JSON-compatible values. */
  public Conversation withMetadata(Map<String, ?> metadata) {
    return withMetadataJson(Json.canonical(Json.MAPPER.valueToTree(new HashMap<>(metadata))));
  }

  /** This conversation with metadata given as a JSON object. */
  public Conversation withMetadataJson(String json) {
    if (json == null) {
      return new Conversation(messages, id, null);
    }
    var node = Json.parse(json);
    if (!node.isObject()) {
      throw new InvalidPromptException("metadata must be a JSON object");
    }
    return new Conversation(messages, id, Json.canonical(node));
  }

  /** The system prompt: the text of all system messages joined by blank lines, if any. */
  public Optional<String> systemPrompt() {
    List<String> texts = new ArrayList<>();
    for (Message m : messages) {
      if (m.role() == Role.SYSTEM) {
        texts.add(m.text());
      }
    }
    return texts.isEmpty() ? Optional.empty() : Optional.of(String.join("\n\n", texts));
  }

  /**
   * Checks that this conversation can be sent: it has a non-system message, no message is empty,
   * parts sit in roles that can carry them, and every tool result answers an earlier tool call.
   * Throws an {@link InvalidPromptException} that names the message and part.
   *
   * @return this conversation, for chaining
   */
  public Conversation validate() {
    if (messages.isEmpty()) {
      throw new InvalidPromptException("conversation is empty: it has no messages");
    }
    if (messages.stream().allMatch(m -> m.role() == Role.SYSTEM)) {
      throw new InvalidPromptException("conversation has only system messages: add a user message");
    }
    Map<String, String> openCalls = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String where = "message " + (i + 1) + " (" + m.role().wireName() + ")";
      if (m.parts().isEmpty()) {
        throw new InvalidPromptException(where + " has no content");
      }
      if (m.role() == Role.USER
          && m.parts().stream().allMatch(p -> p instanceof Text t && t.text().isBlank())) {
        throw new InvalidPromptException("empty prompt: " + where + " has only blank text");
      }
      for (int j = 0; j < m.parts().size(); j++) {
        Part part = m.parts().get(j);
        String at = where + ", part " + (j + 1);
        checkRole(m.role(), part, at);
        if (part instanceof ToolCall call) {
          openCalls.put(call.id(), call.name());
        } else if (part instanceof ToolResult result && openCalls.remove(result.callId()) == null) {
          throw new InvalidPromptException(
              at
                  + ": tool result for call '"
                  + result.callId()
                  + "' has no matching tool call in an earlier assistant message");
        }
      }
    }
    return this;
  }

  private static void checkRole(Role role, Part part, String at) {
    boolean ok;
    if (part instanceof ToolCall || part instanceof Thinking || part instanceof ServerToolUse) {
      ok = role == Role.ASSISTANT;
    } else if (part instanceof ToolResult) {
      ok = role == Role.TOOL;
    } else if (part instanceof Image || part instanceof File || part instanceof Audio) {
      ok = role == Role.USER;
    } else {
      ok = role != Role.TOOL;
    }
    if (!ok) {
      throw new InvalidPromptException(
          at + ": a " + role.wireName() + " message cannot hold a " + part.type() + " part");
    }
  }

  /**
   * A stable SHA-256 (hex) over the messages' canonical JSON, with images and files hashed by their
   * bytes. Id and metadata do not count: equal requests have equal fingerprints.
   */
  public String fingerprint() {
    return ConversationJson.fingerprint(this);
  }

  /** The project's JSON form, with paths and URLs as references. */
  public String toJson() {
    return Json.write(ConversationJson.toTree(this, ConversationJson.Mode.REFERENCE));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Conversation other
        && messages.equals(other.messages)
        && Objects.equals(id, other.id)
        && Objects.equals(metadataJson, other.metadataJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(messages, id, metadataJson);
  }

  @Override
  public String toString() {
    return "Conversation{" + (id == null ? "" : "id=" + id + ", ") + messages + "}";
  }
}
