package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake's provider-side MCP: the remote servers a request offers (OpenAI Responses' {@code mcp}
 * tools, Anthropic's {@code mcp_servers}) and the calls the fake model makes to them. The fake
 * reaches no server. Its rule: when the conversation ends with a user message whose text names
 * {@code @<server>/<tool>}, optionally followed at once by a JSON object of arguments ({@code
 * @wiki/ask{"q":"beam"}}), and that server is offered (and the tool allowed, when the request
 * lists allowed tools), the model calls it, and the call's output is {@code remote
 * <tool>(<arguments>)}; the answer's text follows as usual.
 */
final class RemoteMcpCalls {
  private static final Pattern MENTION =
      Pattern.compile("@([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)(\\{[^{}]*})?");

  /** A server offered: its name and the tools it may call (empty for all). */
  record Server(String name, List<String> allowedTools) {}

  /** A call the fake model makes. */
  record Call(String server, String tool, String argumentsJson) {
    /** What the fake server answers. */
    String output() {
      return "remote " + tool + "(" + argumentsJson + ")";
    }
  }

  private RemoteMcpCalls() {}

  /** The servers as a request option, {@code [{"name", "allowed_tools"}]}. */
  static ArrayNode toJson(List<Server> servers) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Server s : servers) {
      ObjectNode o = out.addObject().put("name", s.name());
      ArrayNode allowed = o.putArray("allowed_tools");
      s.allowedTools().forEach(allowed::add);
    }
    return out;
  }

  /** The servers from {@link #toJson}, or none. */
  static List<Server> fromJson(JsonNode servers) {
    List<Server> out = new ArrayList<>();
    if (servers == null || !servers.isArray()) {
      return out;
    }
    for (JsonNode s : servers) {
      List<String> allowed = new ArrayList<>();
      s.path("allowed_tools").forEach(t -> allowed.add(t.asText()));
      out.add(new Server(s.path("name").asText(), allowed));
    }
    return out;
  }

  /** The calls the fake model makes to these servers for this conversation (see the class). */
  static List<Call> calls(Conversation conversation, List<Server> servers) {
    List<Call> out = new ArrayList<>();
    if (servers.isEmpty() || conversation.messages().isEmpty()) {
      return out;
    }
    Message last = conversation.messages().get(conversation.messages().size() - 1);
    if (last.role() != Role.USER) {
      return out;
    }
    for (Part p : last.parts()) {
      if (!(p instanceof Text t)) {
        continue;
      }
      Matcher m = MENTION.matcher(t.text());
      while (m.find()) {
        String server = m.group(1);
        String tool = m.group(2);
        boolean offered =
            servers.stream()
                .anyMatch(
                    s ->
                        s.name().equals(server)
                            && (s.allowedTools().isEmpty() || s.allowedTools().contains(tool)));
        if (!offered) {
          continue;
        }
        String args = m.group(3) == null ? "{}" : m.group(3);
        try {
          args = Json.canonical(Json.parse(args));
        } catch (RuntimeException notJson) {
          args = "{}";
        }
        out.add(new Call(server, tool, args));
      }
    }
    return out;
  }
}
