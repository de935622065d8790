package dev.beamllm.prompt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One turn of a {@link Conversation}: a role and its parts. Immutable: every {@code addX} returns a
 * new message.
 */
public final class Message {
  private final Role role;
  private final List<Part> parts;

  private Message(Role role, List<Part> parts) {
    this.role = Objects.requireNonNull(role, "role");
    this.parts = List.copyOf(parts);
  }

  /** A message with the given role and parts. */
  public static Message of(Role role, List<? extends Part> parts) {
    return new Message(role, new ArrayList<>(parts));
  }

  /** A system message. */
  public static Message system(String text) {
    return new Message(Role.SYSTEM, List.of(new Text(text)));
  }

  /** A user message with text. */
  public static Message user(String text) {
    return new Message(Role.USER, List.of(new Text(text)));
  }

  /** An empty user message, to fill with {@code addX}. */
  public static Message user() {
    return new Message(Role.USER, List.of());
  }

  /** An assistant message with text. */
  public static Message assistant(String text) {
    return new Message(Role.ASSISTANT, List.of(new Text(text)));
  }

  /** An empty assistant message. */
  public static Message assistant() {
    return new Message(Role.ASSISTANT, List.of());
  }

  /** A tool message with one text result for the call {@code callId}. */
  public static Message toolResult(String callId, String text) {
    return new Message(Role.TOOL, List.of(ToolResult.of(callId, text)));
  }

  /** A tool message holding the given results. */
  public static Message toolResults(List<ToolResult> results) {
    return new Message(Role.TOOL, new ArrayList<>(results));
  }

  /** Who speaks: system, user, assistant or tool (a tool's results). */
  public Role role() {
    return role;
  }

  /** The parts, in order. */
  public List<Part> parts() {
    return parts;
  }

  /** This message with one more part. */
  public Message add(Part part) {
    List<Part> next = new ArrayList<>(parts);
    next.add(Objects.requireNonNull(part, "part"));
    return new Message(role, next);
  }

  /** This message with more text. */
  public Message addText(String text) {
    return add(new Text(text));
  }

  /** This message with an image read from a file. */
  public Message addImage(Path path) {
    return add(Image.fromPath(path));
  }

  /** This message with an image from a path, an http(s) URL or a data URL. */
  public Message addImage(String pathOrUrl) {
    boolean url = pathOrUrl.contains("://") || Sources.isDataUrl(pathOrUrl);
    return add(url ? Image.fromUrl(pathOrUrl) : Image.fromPath(pathOrUrl));
  }

  /** This message with an image. */
  public Message addImage(Image image) {
    return add(image);
  }

  /** This message with a document read from a file. */
  public Message addFile(Path path) {
    return add(File.fromPath(path));
  }

  /** This message with a document. */
  public Message addFile(File file) {
    return add(file);
  }

  /** This message with audio read from a file. */
  public Message addAudio(Path path) {
    return add(Audio.fromPath(path));
  }

  /** This message with audio. */
  public Message addAudio(Audio audio) {
    return add(audio);
  }

  /** This message with a tool call; {@code argumentsJson} is a JSON object. */
  public Message addToolCall(String id, String name, String argumentsJson) {
    return add(new ToolCall(id, name, argumentsJson));
  }

  /** This message with a tool result. */
  public Message addToolResult(ToolResult result) {
    return add(result);
  }

  /** The text parts joined by newlines. */
  public String text() {
    return parts.stream()
        .filter(Text.class::isInstance)
        .map(p -> ((Text) p).text())
        .collect(Collectors.joining("\n"));
  }

  /** The parts of the given type, in order. */
  public <T extends Part> List<T> partsOf(Class<T> type) {
    return parts.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message other && role == other.role && parts.equals(other.parts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, parts);
  }

  @Override
  public String toString() {
    return role.wireName() + parts;
  }
}
