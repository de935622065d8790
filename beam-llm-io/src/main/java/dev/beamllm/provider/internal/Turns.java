package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a list of provider turns where consecutive turns of the same role are merged, as
 * Anthropic, Gemini and Bedrock want tool results and the following user text in one user turn.
 */
public final class Turns {
  private final String roleField;
  private final String contentField;
  private final List<String> roles = new ArrayList<>();
  private final List<List<ObjectNode>> blocks = new ArrayList<>();

  /** An empty list whose turns are {@code {roleField: role, contentField: [blocks]}}. */
  public Turns(String roleField, String contentField) {
    this.roleField = roleField;
    this.contentField = contentField;
  }

  /**
   * The turns of a conversation's non-system messages: assistant messages under {@code
   * assistantRole}, user and tool messages under {@code userRole}, each part converted by {@code
   * block} (which returns null for parts the API does not take back).
   */
  public static Turns of(
      List<Message> messages,
      String assistantRole,
      String userRole,
      String contentField,
      Function<Part, ObjectNode> block) {
    Turns turns = new Turns("role", contentField);
    for (Message m : messages) {
      List<ObjectNode> blocks = new ArrayList<>();
      for (Part part : m.parts()) {
        ObjectNode b = block.apply(part);
        if (b != null) {
          blocks.add(b);
        }
      }
      turns.add(m.role() == Role.ASSISTANT ? assistantRole : userRole, blocks);
    }
    return turns;
  }

  /** Appends blocks under a role, merging with the previous turn when it has the same role. */
  public void add(String role, List<ObjectNode> content) {
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
  public ArrayNode toArray() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < roles.size(); i++) {
      ObjectNode turn = out.addObject();
      turn.put(roleField, roles.get(i));
      turn.putArray(contentField).addAll(blocks.get(i));
    }
    return out;
  }
}
