package dev.beamllm.prompt.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a list of provider turns where consecutive turns of the same role are merged, as
 * Anthropic, Gemini and Bedrock want tool results and the following user text in one user turn.
 */
final class Turns {
  private final String roleField;
  private final String contentField;
  private final List<String> roles = new ArrayList<>();
  private final List<List<ObjectNode>> blocks = new ArrayList<>();

  Turns(String roleField, String contentField) {
    this.roleField = roleField;
    this.contentField = contentField;
  }

  /** Appends blocks under a role, merging with the previous turn when it has the same role. */
  void add(String role, List<ObjectNode> content) {
    if (content.isEmpty()) {
      return;
    }
    int last = roles.size() - 1;
    if (last >= 0 && roles.get(last).equals(role)) {
      blocks.get(last).addAll(content);
    } else {
      roles.add(role);
      blocks.add(new ArrayList<>(content));
    }
  }

  /** The turns as an array of {@code {roleField: role, contentField: [blocks]}}. */
  ArrayNode toArray() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < roles.size(); i++) {
      ObjectNode turn = out.addObject();
      turn.put(roleField, roles.get(i));
      turn.putArray(contentField).addAll(blocks.get(i));
    }
    return out;
  }
}
