package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Bedrock Converse ({@code POST /model/{modelId}/converse}): one request shape for every model on
 * Bedrock ({@code messages}, {@code system}, {@code inferenceConfig}, {@code toolConfig}, and
 * {@code additionalModelRequestFields} passed to the model, where Claude's {@code thinking} is
 * read). Validation errors use AWS's constraint wording; a model's own rejection is wrapped as "The
 * model returned the following errors: ...". Images and PDFs are counted under Anthropic's rule
 * whatever the model. Reference:
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html.
 */
final class BedrockConverseDialect extends BedrockDialect {
  private static final int DEFAULT_MAX_TOKENS = 4096;
  private static final int MIN_THINKING_BUDGET = 1024;
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool");

  /**
   * The dialect cannot see the latency the server schedules, so it reports the least, like {@code
   * openai-processing-ms}.
   */
  private static final int LATENCY_MS = 1;

  @Override
  public String name() {
    return "bedrock-converse";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    checkProfileRegion(request, pathModel);
    ObjectNode body =
        Bodies.object(
            request, "Malformed input request, please reformat your input and try again.");
    JsonNode inference = body.path("inferenceConfig");
    int maxTokens = maxTokens(inference.get("maxTokens"));
    checkUnitInterval(inference.get("temperature"), "inferenceConfig.temperature");
    checkUnitInterval(inference.get("topP"), "inferenceConfig.topP");
    checkStopSequences(inference.get("stopSequences"));
    List<ParsedRequest.ToolDef> tools = tools(body.get("toolConfig"));
    boolean thinking = thinking(body.path("additionalModelRequestFields"), maxTokens);
    if (thinking) {
      checkToolTurnThinking(body.get("messages"));
    }
    checkToolResultStatus(body.get("messages"), pathModel);
    Conversation conversation =
        ConverseImporter.conversation(body.get("system"), body.get("messages"));
    return ParsedRequest.of(
            pathModel,
            conversation,
            tools,
            maxTokens,
            ParsedRequest.OutputFormat.TEXT,
            null,
            -1,
            false,
            thinking,
            ConverseCachePlan.of(body),
            TokenCounter.ImageRule.ANTHROPIC)
        .withOptions(Json.write(Json.object().put("service_tier", servedTier(body))));
  }

  /**
   * The tier asked in {@code serviceTier.type}, which Bedrock reports back as the one that served
   * the request; {@code default} when none was asked. Reference:
   * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ServiceTier.html.
   */
  private static String servedTier(JsonNode body) {
    JsonNode tier = body.path("serviceTier").get("type");
    if (tier == null) {
      return "default";
    }
    if (!Set.of("default", "flex", "priority", "reserved").contains(tier.asText())) {
      throw constraint(
          tier.asText(),
          "serviceTier.type",
          "Member must satisfy enum value set: [reserved, priority, default, flex]");
    }
    return tier.asText();
  }

  /**
   * {@code toolResult.status} is "only supported by Amazon Nova and Anthropic Claude 3 and 4
   * models" (API reference, ToolResultBlock); other models answer 400.
   */
  private static void checkToolResultStatus(JsonNode messages, String model) {
    if (model.contains("anthropic.claude") || model.contains("amazon.nova") || messages == null) {
      return;
    }
    for (JsonNode message : messages) {
      for (JsonNode block : message.path("content")) {
        if (block.path("toolResult").has("status")) {
          throw ProviderError.badRequest(
              "This model doesn't support the toolResult.status field. Remove toolResult.status"
                  + " and try again.",
              "messages");
        }
      }
    }
  }

  /** AWS's wording for a request member that breaks its model's constraint. */
  static ProviderError constraint(String value, String path, String rule) {
    return ProviderError.badRequest(
        "1 validation error detected: Value '"
            + value
            + "' at '"
            + path
            + "' failed to satisfy constraint: "
            + rule,
        path);
  }

  private static int maxTokens(JsonNode v) {
    if (v == null || v.isNull()) {
      return DEFAULT_MAX_TOKENS;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw constraint(
          v.asText(),
          "inferenceConfig.maxTokens",
          "Member must have value greater than or equal to 1");
    }
    return v.intValue();
  }

  private static void checkUnitInterval(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isNumber() || v.asDouble() < 0) {
      throw constraint(v.asText(), path, "Member must have value greater than or equal to 0");
    }
    if (v.asDouble() > 1) {
      throw constraint(v.asText(), path, "Member must have value less than or equal to 1");
    }
  }

  private static void checkStopSequences(JsonNode v) {
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isArray()) {
      throw constraint(v.toString(), "inferenceConfig.stopSequences", "Member must be a list");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual() || v.get(i).textValue().isEmpty()) {
        throw constraint(
            v.get(i).asText(),
            "inferenceConfig.stopSequences." + (i + 1) + ".member",
            "Member must have length greater than or equal to 1");
      }
    }
  }

  /**
   * The {@code toolSpec}s of {@code toolConfig.tools} (cache points skipped), after checking names,
   * schemas and the tool choice.
   */
  private static List<ParsedRequest.ToolDef> tools(JsonNode config) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (config == null || config.isNull()) {
      return out;
    }
    JsonNode tools = config.get("tools");
    if (tools == null || !tools.isArray() || tools.isEmpty()) {
      throw constraint(
          String.valueOf(tools),
          "toolConfig.tools",
          "Member must have length greater than or equal to 1");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      if (t.has("cachePoint")) {
        continue;
      }
      String path = "toolConfig.tools." + (i + 1) + ".member.toolSpec";
      JsonNode spec = t.get("toolSpec");
      if (spec == null || !spec.isObject()) {
        throw constraint(
            t.toString(),
            "toolConfig.tools." + (i + 1) + ".member",
            "Member must set toolSpec or cachePoint");
      }
      String name = spec.path("name").asText("");
      if (!TOOL_NAME.matcher(name).matches()) {
        throw constraint(
            name, path + ".name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
      }
      JsonNode schema = spec.path("inputSchema").get("json");
      if (schema == null || !schema.isObject()) {
        throw constraint(
            String.valueOf(schema), path + ".inputSchema.json", "Member must not be null");
      }
      if (!names.add(name)) {
        throw ProviderError.badRequest(
            "The toolConfig field must not contain duplicate tool names. Remove the duplicate '"
                + name
                + "' and try again.",
            "toolConfig");
      }
      out.add(new ParsedRequest.ToolDef(name, Json.write(schema)));
    }
    JsonNode choice = config.get("toolChoice");
    if (choice != null && !choice.isNull()) {
      String member = choice.isObject() && choice.size() == 1 ? choice.fieldNames().next() : "";
      if (!TOOL_CHOICES.contains(member)
          || (member.equals("tool") && !choice.path("tool").path("name").isTextual())) {
        throw constraint(
            choice.toString(),
            "toolConfig.toolChoice",
            "Member must set exactly one of auto, any or tool (with a name)");
      }
    }
    return out;
  }

  /**
   * Whether Claude's extended thinking is on ({@code additionalModelRequestFields.thinking}, or the
   * older {@code reasoning_config}; {@code adaptive} for Claude 4.6 and later). Bedrock passes
   * these fields to the model, so a bad budget comes back in Anthropic's words, wrapped.
   */
  private static boolean thinking(JsonNode extra, int maxTokens) {
    JsonNode t = extra.has("thinking") ? extra.get("thinking") : extra.get("reasoning_config");
    if (t != null && "adaptive".equals(t.path("type").asText())) {
      return true;
    }
    if (t == null || t.isNull() || !"enabled".equals(t.path("type").asText())) {
      return false;
    }
    JsonNode budget = t.get("budget_tokens");
    if (budget == null || !budget.isIntegralNumber() || budget.asLong() < MIN_THINKING_BUDGET) {
      throw modelError(
          "thinking.enabled.budget_tokens: Input should be greater than or equal to "
              + MIN_THINKING_BUDGET);
    }
    if (budget.asLong() >= maxTokens) {
      throw modelError("`max_tokens` must be greater than `thinking.budget_tokens`");
    }
    return true;
  }

  /**
   * Claude's refusal of thinking over a tool-use turn that does not open with reasoning ({@link
   * ThinkingTurnRule}), which Bedrock passes on in Anthropic's words (Converse blocks named as
   * Anthropic's: {@code toolUse} is {@code tool_use}).
   */
  private static void checkToolTurnThinking(JsonNode messages) {
    if (messages == null || !messages.isArray()) {
      return;
    }
    int i = ThinkingTurnRule.messageNeedingThinking(messages, b -> b.has("toolResult"));
    if (i < 0) {
      return;
    }
    JsonNode first = messages.get(i).path("content").path(0);
    if (first.has("reasoningContent")) {
      return;
    }
    String found =
        first.has("toolUse")
            ? "tool_use"
            : first.has("image") ? "image" : first.has("document") ? "document" : "text";
    throw modelError(ThinkingTurnRule.message(i, found));
  }

  private static ProviderError modelError(String message) {
    return ProviderError.badRequest(
        "The model returned the following errors: " + message, "additionalModelRequestFields");
  }

  /**
   * {@code output.message}, {@code stopReason}, {@code usage} (input without cache reads and
   * writes, which have their own fields) and {@code metrics}.
   */
  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    ObjectNode root = Json.object();
    ObjectNode message = root.putObject("output").putObject("message");
    message.put("role", "assistant");
    ArrayNode content = message.putArray("content");
    if (answer.thinking() != null) {
      content
          .addObject()
          .putObject("reasoningContent")
          .putObject("reasoningText")
          .put("text", answer.thinking())
          .put("signature", answer.thinkingSignature());
    }
    if (!answer.text().isEmpty() || answer.toolCalls().isEmpty()) {
      content.addObject().put("text", answer.text());
    }
    for (Answer.ToolCallOut call : answer.toolCalls()) {
      ObjectNode use =
          content
              .addObject()
              .putObject("toolUse")
              .put("toolUseId", "tooluse_" + call.id().substring(call.id().indexOf('_') + 1))
              .put("name", call.name());
      use.set("input", Json.parse(call.argumentsJson()));
    }
    root.put("stopReason", AnthropicResponse.stopReason(answer));
    root.putObject("usage")
        .put("inputTokens", answer.inputTokens())
        .put("outputTokens", answer.outputTokens())
        .put("totalTokens", answer.totalInputTokens() + answer.outputTokens())
        .put("cacheReadInputTokens", answer.cacheReadTokens())
        .put("cacheWriteInputTokens", answer.cacheWriteTokens());
    root.putObject("metrics").put("latencyMs", LATENCY_MS);
    root.putObject("serviceTier")
        .put("type", Json.parse(request.options()).path("service_tier").asText("default"));
    return FakeHttpResponse.json(200, Json.write(root)).withHeaders(BedrockErrors.requestId());
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return BedrockErrors.render(kind, message, param);
  }
}
