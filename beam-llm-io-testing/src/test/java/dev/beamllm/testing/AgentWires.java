package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of an agent loop in each wire format the fake serves, written by hand from the
 * providers' documented shapes: a request with tools offered, the tool calls read from an answer,
 * the assistant turn and the tool results appended as each provider wants them back.
 */
final class AgentWires {
  private AgentWires() {}

  /**
   * A tool offered in every request.
   *
   * @param name its name
   * @param schema its parameters' JSON schema
   */
  record Tool(String name, String schema) {
    JsonNode schemaNode() {
      return Json.parse(schema);
    }
  }

  static final List<Tool> TOOLS =
      List.of(
          new Tool(
              "lookup",
              "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
          new Tool(
              "add",
              "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
                  + "\"required\":[\"a\",\"b\"]}"));

  /**
   * A tool call read from an answer.
   *
   * @param id its id, or null where the provider gives none (Gemini)
   * @param name the tool
   * @param arguments the arguments: the string sent where the provider sends one (OpenAI, Mistral,
   *     Cohere), else the object sent written compactly in its own key order
   */
  record Call(String id, String name, String arguments) {
    Call(String id, String name, JsonNode arguments) {
      this(id, name, Json.write(arguments));
    }
  }

  /** One provider's wire format. */
  abstract static class Wire {
    private final String name;

    Wire(String name) {
      this.name = name;
    }

    /** The path of the model endpoint under the server's base URL. */
    abstract String path();

    /** Extra headers, name and value pairs. */
    String[] headers() {
      return new String[0];
    }

    /** A user message with this text. */
    abstract JsonNode user(String text);

    /** The whole request body for these messages, with {@link #TOOLS} offered. */
    abstract ObjectNode body(ArrayNode messages);

    /** The tool calls in an answer, in order; empty for a text answer. */
    abstract List<Call> calls(JsonNode answer);

    /** The messages (or input items) that replay the answer's assistant turn. */
    abstract List<JsonNode> assistant(JsonNode answer);

    /** The messages that carry the results of these calls, texts in the same order. */
    abstract List<JsonNode> results(List<Call> calls, List<String> texts);

    /** The text of a text answer. */
    abstract String text(JsonNode answer);

    /** Why the answer stopped, in the provider's words. */
    abstract String stop(JsonNode answer);

    /** The stop reason of a tool-call turn. */
    abstract String toolStop();

    /** The stop reason of a text answer. */
    abstract String textStop();

    /** Whether calls carry ids (Gemini's do not). */
    boolean callIds() {
      return true;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Wire> all() {
    return List.of(
        new OpenAiChat("openai-chat", "/v1/chat/completions", "gpt-4.1-mini"),
        new OpenAiChat("mistral", "/mistral/v1/chat/completions", "mistral-small-latest"),
        new Responses(),
        new Anthropic("anthropic", "/v1/messages"),
        new Anthropic(
            "bedrock-invoke", "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke"),
        new Gemini(),
        new Cohere(),
        new Converse());
  }

  private static ArrayNode array() {
    return Json.MAPPER.createArrayNode();
  }

  /** OpenAI chat completions, and Mistral, which takes the same shapes. */
  static final class OpenAiChat extends Wire {
    private final String path;
    private final String model;

    OpenAiChat(String name, String path, String model) {
      super(name);
      this.path = path;
      this.model = model;
    }

    @Override
    String path() {
      return path;
    }

    @Override
    JsonNode user(String text) {
      return Json.object().put("role", "user").put("content", text);
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body = Json.object().put("model", model);
      ArrayNode tools = body.putArray("tools");
      for (Tool t : TOOLS) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name()).set("parameters", t.schemaNode());
      }
      body.set("messages", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode c : answer.at("/choices/0/message/tool_calls")) {
        out.add(
            new Call(
                c.get("id").asText(),
                c.at("/function/name").asText(),
                c.at("/function/arguments").asText()));
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      ObjectNode m = Json.object().put("role", "assistant").putNull("content");
      m.set("tool_calls", answer.at("/choices/0/message/tool_calls"));
      return List.of(m);
    }

    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      List<JsonNode> out = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        out.add(
            Json.object()
                .put("role", "tool")
                .put("tool_call_id", calls.get(i).id())
                .put("content", texts.get(i)));
      }
      return out;
    }

    @Override
    String text(JsonNode answer) {
      return answer.at("/choices/0/message/content").asText();
    }

    @Override
    String stop(JsonNode answer) {
      return answer.at("/choices/0/finish_reason").asText();
    }

    @Override
    String toolStop() {
      return "tool_calls";
    }

    @Override
    String textStop() {
      return "stop";
    }
  }

  /** OpenAI Responses: function_call items replayed, function_call_output items after them. */
  static final class Responses extends Wire {
    Responses() {
      super("openai-responses");
    }

    @Override
    String path() {
      return "/v1/responses";
    }

    @Override
    JsonNode user(String text) {
      return Json.object().put("role", "user").put("content", text);
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body = Json.object().put("model", "gpt-4.1-mini");
      ArrayNode tools = body.putArray("tools");
      for (Tool t : TOOLS) {
        tools
            .addObject()
            .put("type", "function")
            .put("name", t.name())
            .set("parameters", t.schemaNode());
      }
      body.set("input", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode item : answer.get("output")) {
        if (item.path("type").asText().equals("function_call")) {
          out.add(
              new Call(
                  item.get("call_id").asText(),
                  item.get("name").asText(),
                  item.get("arguments").asText()));
        }
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      List<JsonNode> out = new ArrayList<>();
      answer.get("output").forEach(out::add);
      return out;
    }

    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      List<JsonNode> out = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        out.add(
            Json.object()
                .put("type", "function_call_output")
                .put("call_id", calls.get(i).id())
                .put("output", texts.get(i)));
      }
      return out;
    }

    @Override
    String text(JsonNode answer) {
      for (JsonNode item : answer.get("output")) {
        if (item.path("type").asText().equals("message")) {
          return item.at("/content/0/text").asText();
        }
      }
      return null;
    }

    /** The last item's type: a turn of calls ends with one, a text answer with its message. */
    @Override
    String stop(JsonNode answer) {
      JsonNode output = answer.get("output");
      return answer.get("status").asText()
          + "/"
          + output.get(output.size() - 1).get("type").asText();
    }

    @Override
    String toolStop() {
      return "completed/function_call";
    }

    @Override
    String textStop() {
      return "completed/message";
    }
  }

  /** Anthropic Messages, and Bedrock InvokeModel with the same body. */
  static final class Anthropic extends Wire {
    private final String path;
    private final boolean bedrock;

    Anthropic(String name, String path) {
      super(name);
      this.path = path;
      this.bedrock = name.startsWith("bedrock");
    }

    @Override
    String path() {
      return path;
    }

    @Override
    String[] headers() {
      return bedrock ? new String[0] : new String[] {"anthropic-version", "2023-06-01"};
    }

    @Override
    JsonNode user(String text) {
      return Json.object().put("role", "user").put("content", text);
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body =
          bedrock
              ? Json.object().put("anthropic_version", "bedrock-2023-05-31")
              : Json.object().put("model", "claude-sonnet-4-5");
      body.put("max_tokens", 1024);
      ArrayNode tools = body.putArray("tools");
      for (Tool t : TOOLS) {
        tools.addObject().put("name", t.name()).set("input_schema", t.schemaNode());
      }
      body.set("messages", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode block : answer.get("content")) {
        if (block.path("type").asText().equals("tool_use")) {
          out.add(
              new Call(block.get("id").asText(), block.get("name").asText(), block.get("input")));
        }
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      ObjectNode m = Json.object().put("role", "assistant");
      m.set("content", answer.get("content"));
      return List.of(m);
    }

    /** Every result in one user message, as Anthropic requires. */
    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      ObjectNode m = Json.object().put("role", "user");
      ArrayNode content = m.putArray("content");
      for (int i = 0; i < calls.size(); i++) {
        content
            .addObject()
            .put("type", "tool_result")
            .put("tool_use_id", calls.get(i).id())
            .put("content", texts.get(i));
      }
      return List.of(m);
    }

    @Override
    String text(JsonNode answer) {
      for (JsonNode block : answer.get("content")) {
        if (block.path("type").asText().equals("text")) {
          return block.get("text").asText();
        }
      }
      return null;
    }

    @Override
    String stop(JsonNode answer) {
      return answer.get("stop_reason").asText();
    }

    @Override
    String toolStop() {
      return "tool_use";
    }

    @Override
    String textStop() {
      return "end_turn";
    }
  }

  /** Gemini: functionCall parts in the model's turn, functionResponse parts in the next one. */
  static final class Gemini extends Wire {
    Gemini() {
      super("gemini");
    }

    @Override
    String path() {
      return "/v1beta/models/gemini-2.5-flash:generateContent";
    }

    @Override
    JsonNode user(String text) {
      ObjectNode m = Json.object().put("role", "user");
      m.putArray("parts").addObject().put("text", text);
      return m;
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body = Json.object();
      ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
      for (Tool t : TOOLS) {
        decls.addObject().put("name", t.name()).set("parameters", t.schemaNode());
      }
      body.set("contents", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode part : answer.at("/candidates/0/content/parts")) {
        JsonNode call = part.get("functionCall");
        if (call != null) {
          out.add(new Call(null, call.get("name").asText(), call.get("args")));
        }
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      return List.of(answer.at("/candidates/0/content"));
    }

    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      ObjectNode m = Json.object().put("role", "user");
      ArrayNode parts = m.putArray("parts");
      for (int i = 0; i < calls.size(); i++) {
        ObjectNode response = parts.addObject().putObject("functionResponse");
        response.put("name", calls.get(i).name());
        response.putObject("response").put("output", texts.get(i));
      }
      return List.of(m);
    }

    @Override
    String text(JsonNode answer) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : answer.at("/candidates/0/content/parts")) {
        if (part.has("text")) {
          sb.append(part.get("text").asText());
        }
      }
      return sb.toString();
    }

    /** Gemini says STOP either way; the parts tell the turns apart. */
    @Override
    String stop(JsonNode answer) {
      return answer.at("/candidates/0/finishReason").asText()
          + (calls(answer).isEmpty() ? "/text" : "/functionCall");
    }

    @Override
    String toolStop() {
      return "STOP/functionCall";
    }

    @Override
    String textStop() {
      return "STOP/text";
    }

    @Override
    boolean callIds() {
      return false;
    }
  }

  /** Cohere v2 chat: tool_calls with a tool_plan, then one tool message per result. */
  static final class Cohere extends Wire {
    Cohere() {
      super("cohere");
    }

    @Override
    String path() {
      return "/v2/chat";
    }

    @Override
    JsonNode user(String text) {
      return Json.object().put("role", "user").put("content", text);
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body = Json.object().put("model", "command-a-03-2025");
      ArrayNode tools = body.putArray("tools");
      for (Tool t : TOOLS) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name()).set("parameters", t.schemaNode());
      }
      body.set("messages", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode c : answer.at("/message/tool_calls")) {
        out.add(
            new Call(
                c.get("id").asText(),
                c.at("/function/name").asText(),
                c.at("/function/arguments").asText()));
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      ObjectNode m = Json.object().put("role", "assistant");
      m.set("tool_plan", answer.at("/message/tool_plan"));
      m.set("tool_calls", answer.at("/message/tool_calls"));
      return List.of(m);
    }

    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      List<JsonNode> out = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        ObjectNode m = Json.object().put("role", "tool").put("tool_call_id", calls.get(i).id());
        m.putArray("content").addObject().put("type", "text").put("text", texts.get(i));
        out.add(m);
      }
      return out;
    }

    @Override
    String text(JsonNode answer) {
      return answer.at("/message/content/0/text").asText();
    }

    @Override
    String stop(JsonNode answer) {
      return answer.get("finish_reason").asText();
    }

    @Override
    String toolStop() {
      return "TOOL_CALL";
    }

    @Override
    String textStop() {
      return "COMPLETE";
    }
  }

  /** Bedrock Converse: toolUse blocks, then toolResult blocks in one user message. */
  static final class Converse extends Wire {
    Converse() {
      super("bedrock-converse");
    }

    @Override
    String path() {
      return "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse";
    }

    @Override
    JsonNode user(String text) {
      ObjectNode m = Json.object().put("role", "user");
      m.putArray("content").addObject().put("text", text);
      return m;
    }

    @Override
    ObjectNode body(ArrayNode messages) {
      ObjectNode body = Json.object();
      ArrayNode tools = body.putObject("toolConfig").putArray("tools");
      for (Tool t : TOOLS) {
        ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", t.name());
        spec.putObject("inputSchema").set("json", t.schemaNode());
      }
      body.set("messages", messages);
      return body;
    }

    @Override
    List<Call> calls(JsonNode answer) {
      List<Call> out = new ArrayList<>();
      for (JsonNode block : answer.at("/output/message/content")) {
        JsonNode use = block.get("toolUse");
        if (use != null) {
          out.add(
              new Call(use.get("toolUseId").asText(), use.get("name").asText(), use.get("input")));
        }
      }
      return out;
    }

    @Override
    List<JsonNode> assistant(JsonNode answer) {
      return List.of(answer.at("/output/message"));
    }

    @Override
    List<JsonNode> results(List<Call> calls, List<String> texts) {
      ObjectNode m = Json.object().put("role", "user");
      ArrayNode content = m.putArray("content");
      for (int i = 0; i < calls.size(); i++) {
        ObjectNode result = content.addObject().putObject("toolResult");
        result.put("toolUseId", calls.get(i).id());
        result.putArray("content").addObject().put("text", texts.get(i));
      }
      return List.of(m);
    }

    @Override
    String text(JsonNode answer) {
      for (JsonNode block : answer.at("/output/message/content")) {
        if (block.has("text")) {
          return block.get("text").asText();
        }
      }
      return null;
    }

    @Override
    String stop(JsonNode answer) {
      return answer.get("stopReason").asText();
    }

    @Override
    String toolStop() {
      return "tool_use";
    }

    @Override
    String textStop() {
      return "end_turn";
    }
  }
}
