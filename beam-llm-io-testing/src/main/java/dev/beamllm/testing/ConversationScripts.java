package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scripted conversations a server answers turn by turn ({@link FakeProviderServer#script},
 * {@code POST /fake/script}): each is found by a substring of the conversation's first user
 * message. Thread-safe: scripts are added by tests while the event loop reads them.
 */
final class ConversationScripts {

  /**
   * One script.
   *
   * @param match the substring of the first user message that selects it
   * @param turns the assistant turns, in order
   */
  record Script(String match, List<ScriptedTurn> turns) {
    Script {
      Objects.requireNonNull(match, "match");
      if (turns.isEmpty()) {
        throw new IllegalArgumentException("a script needs at least one turn");
      }
      turns = List.copyOf(turns);
    }
  }

  /** Newest last; a script added again under the same match replaces the older one. */
  private final List<Script> scripts = new ArrayList<>();

  /** Adds a script, replacing any with the same match. */
  synchronized void add(Script script) {
    scripts.removeIf(s -> s.match().equals(script.match()));
    scripts.add(script);
  }

  /** The newest script whose match the first user text contains, or null. */
  synchronized Script find(String firstUserText) {
    for (int i = scripts.size() - 1; i >= 0; i--) {
      if (firstUserText.contains(scripts.get(i).match())) {
        return scripts.get(i);
      }
    }
    return null;
  }

  synchronized boolean isEmpty() {
    return scripts.isEmpty();
  }

  synchronized void clear() {
    scripts.clear();
  }

  /**
   * A script in the JSON form of {@code POST /fake/script}: {@code {"match": "...", "turns":
   * [...]}}, each turn as {@link ScriptedTurn#fromJson} reads it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static Script fromJson(String body) {
    JsonNode root;
    try {
      root = Json.parse(body);
    } catch (InvalidPromptException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object {match, turns}");
    }
    JsonNode match = root.get("match");
    if (match == null || !match.isTextual()) {
      throw new IllegalArgumentException("'match' must be a string");
    }
    JsonNode turns = root.get("turns");
    if (turns == null || !turns.isArray() || turns.isEmpty()) {
      throw new IllegalArgumentException("'turns' must be a non-empty array");
    }
    List<ScriptedTurn> out = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      out.add(ScriptedTurn.fromJson(turns.get(i), "turns[" + i + "]"));
    }
    return new Script(match.textValue(), out);
  }
}
