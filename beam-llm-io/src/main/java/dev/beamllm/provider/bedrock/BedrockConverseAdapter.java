package dev.beamllm.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.anthropic.ThinkingBudget;
import dev.beamllm.provider.anthropic.ToolTurnThinking;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.ServiceTiers;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Amazon Bedrock Converse ({@code POST /model/{id}/converse}), one request shape for every model on
 * Bedrock: {@code system} and {@code messages} from {@link BedrockConverseFormat}, {@code
 * inferenceConfig} ({@code maxTokens}, {@code temperature}, {@code topP}) and {@code toolConfig}.
 * Claude models also get extended thinking, which Converse passes to the model through {@code
 * additionalModelRequestFields.thinking}, sized as on Anthropic ({@link ThinkingBudget}). Answers
 * are {@code output.message.content} blocks ({@code text}, {@code toolUse}, {@code
 * reasoningContent}), {@code stopReason} and {@code usage}. Thinking is turned off, and {@link
 * #warnings} says so, over an open tool-use turn with no reasoning block to send back ({@link
 * ToolTurnThinking}). Credentials, region and errors are Bedrock's ({@link BedrockEndpoint}, {@link
 * BedrockErrors}). Reference:
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html.
 *
 * <p>Refused before sending: JSON output (Converse has no JSON mode common to its models) and
 * streaming ({@code ConverseStream} frames events in AWS's binary event stream).
 */
public final class BedrockConverseAdapter extends BedrockAdapter {

  /** Titan and Cohere embeddings through {@code InvokeModel}, called as this adapter. */
  private final EmbeddingApi embeddings = new BedrockEmbeddings(this::call);

  /**
   * The embedding models on Bedrock (Titan Text Embeddings V2, Cohere Embed v3), which the registry
   * lists under this wire format as its other non-Claude models: {@code InvokeModel} calls with the
   * same endpoint, region and SigV4 signing (or Bedrock API key) as this adapter's. An accessor
   * rather than an interface of the adapter, whose {@code parse} already reads Converse answers.
   */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /** The model id and {@code converse}. */
  @Override
  protected String path(ProviderRequest r) {
    return BedrockEndpoint.path(r.model(), "converse");
  }

  /**
   * The Converse body.
   *
   * @throws UnsupportedOperationException for a stream or JSON output
   */
  @Override
  protected ObjectNode body(ProviderRequest r) {
    if (r.stream()) {
      throw new UnsupportedOperationException(
          "streaming through Bedrock Converse needs AWS's event-stream framing, which is not supported");
    }
    SamplingParams p = r.params();
    if (p.outputSchema().isPresent() || p.jsonMode()) {
      throw new UnsupportedOperationException(
          "JSON output is not supported through Bedrock Converse");
    }
    ModelSpec model = r.model();
    ObjectNode body = BedrockConverseFormat.render(r.conversation(), takesToolResultStatus(model));
    ThinkingBudget thinking = plannedThinking(r);
    if (thinking.enabled() && !allowsThinking(body)) {
      thinking = ThinkingBudget.plan(model, r.maxOutputTokens(), Optional.empty());
    }
    ObjectNode inference = body.putObject("inferenceConfig").put("maxTokens", thinking.maxTokens());
    if (!thinking.enabled()) {
      // Claude refuses temperature and top_p other than their defaults while thinking.
      p.temperature().ifPresent(t -> inference.put("temperature", t));
      p.topP().ifPresent(t -> inference.put("topP", t));
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putObject("toolConfig").putArray("tools");
      for (Tool t : r.tools()) {
        Formats.requireFunction(t, "Bedrock Converse");
        ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", t.name());
        // Converse requires a description of at least one character when one is given.
        if (!t.description().isEmpty()) {
          spec.put("description", t.description());
        }
        spec.putObject("inputSchema").set("json", Json.parse(t.parametersJson()));
      }
    }
    CachePoints.apply(
        body, r.promptCache(), model, ToolTurnThinking.endsWithToolResults(r.conversation()));
    if (thinking.enabled()) {
      thinking.writeTo(body.putObject("additionalModelRequestFields"));
    }
    String tier = ServiceTiers.bedrock(r.serviceTier());
    if (tier != null) {
      body.putObject("serviceTier").put("type", tier);
    }
    return body;
  }

  /**
   * {@link ToolTurnThinking#WARNING} when Claude's thinking, asked for by the effort, was turned
   * off because the conversation ends inside a tool-use turn with no reasoning block to send back.
   */
  @Override
  public List<String> warnings(ProviderRequest r) {
    if (!ToolTurnThinking.endsWithToolResults(r.conversation())
        || !plannedThinking(r).enabled()
        || allowsThinking(
            BedrockConverseFormat.render(r.conversation(), takesToolResultStatus(r.model())))) {
      return List.of();
    }
    return List.of(ToolTurnThinking.WARNING);
  }

  /** Thinking as the effort asks for it, for Claude only. */
  private static ThinkingBudget plannedThinking(ProviderRequest r) {
    ModelSpec model = r.model();
    return ThinkingBudget.plan(
        model,
        r.maxOutputTokens(),
        isClaude(model) ? r.reasoningEffort() : Optional.empty(),
        isClaude(model) ? r.params().thinkingBudget() : Optional.empty());
  }

  /**
   * Claude's tool-turn rule ({@link ToolTurnThinking}) over Converse blocks: Bedrock passes
   * Anthropic's refusal on, so the turn must open with a {@code reasoningContent} block.
   */
  private static boolean allowsThinking(ObjectNode body) {
    return ToolTurnThinking.allowsThinking(
        body.get("messages"), b -> b.has("reasoningContent"), b -> b.has("toolResult"));
  }

  /** Whether the model takes {@code toolResult.status}: Amazon Nova and Claude, by AWS's docs. */
  static boolean takesToolResultStatus(ModelSpec model) {
    return isClaude(model) || model.apiName().contains("amazon.nova");
  }

  /** Claude on Bedrock, whose model ids read {@code [<geo>.]anthropic.claude-...}. */
  private static boolean isClaude(ModelSpec model) {
    return model.apiName().contains("anthropic.claude");
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body("Bedrock Converse", answer);
    JsonNode content = root.path("output").path("message").path("content");
    if (!content.isArray()) {
      throw Errors.unreadable(
          "Bedrock Converse", new IllegalStateException("no output.message.content"));
    }
    List<Part> parts = new ArrayList<>();
    for (JsonNode block : content) {
      if (block.has("text")) {
        parts.add(new Text(block.get("text").asText()));
      } else if (block.has("toolUse")) {
        JsonNode use = block.get("toolUse");
        String input = Json.write(use.path("input").isObject() ? use.get("input") : Json.object());
        parts.add(new ToolCall(use.path("toolUseId").asText(), use.path("name").asText(), input));
      } else if (block.has("reasoningContent")) {
        parts.add(thinking(block.get("reasoningContent")));
      }
    }
    return new ParsedAnswer(
        Message.of(Role.ASSISTANT, parts),
        root.path("stopReason").asText(null),
        usage(root.path("usage")),
        List.of(),
        // ConverseResponse.serviceTier: {"type": "priority" | "default" | "flex" | "reserved"}.
        root.path("serviceTier").path("type").asText(null));
  }

  /**
   * {@code reasoningText} signed by Bedrock (Claude's signature, to send back during tool use), or
   * unsigned for models that give none; {@code redactedContent} kept raw.
   */
  private static Thinking thinking(JsonNode reasoning) {
    JsonNode text = reasoning.get("reasoningText");
    if (text == null) {
      return Thinking.raw(Json.write(reasoning), Thinking.BEDROCK);
    }
    String signature = text.path("signature").asText("");
    return signature.isEmpty()
        ? Thinking.of(text.path("text").asText())
        : Thinking.signed(text.path("text").asText(), signature, Thinking.BEDROCK);
  }

  /**
   * Input (without cache reads and writes), output, {@code cacheReadInputTokens}, {@code
   * cacheWriteInputTokens}.
   */
  private static Usage usage(JsonNode u) {
    return new Usage(
        u.path("inputTokens").asLong(0),
        u.path("outputTokens").asLong(0),
        u.path("cacheReadInputTokens").asLong(0),
        u.path("cacheWriteInputTokens").asLong(0));
  }
}
