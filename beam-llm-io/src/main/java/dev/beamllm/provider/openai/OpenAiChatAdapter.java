package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.client.SamplingParams;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Json;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.format.OpenAiChatFormat;
import dev.beamllm.provider.Errors;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat completions, and every OpenAI-compatible API (Together, Groq, DeepSeek, Fireworks,
 * xAI, OpenRouter, Cerebras, vLLM, Ollama) and Azure OpenAI ({@code api-key} header, deployment
 * URL, {@code api-version}). Streams as server-sent chunks with the usage in the last one (see
 * {@link OpenAiChatStreamDecoder}). Reference: platform.openai.com/docs/api-reference/chat/create.
 */
public final class OpenAiChatAdapter implements ProviderAdapter {
  /** The Azure OpenAI API version used when the base URL names none. */
  public static final String AZURE_API_VERSION = "2024-10-21";

  /** Providers that take {@code max_completion_tokens}; the compatible APIs mostly know only {@code max_tokens}. */
  private static final Set<String> MAX_COMPLETION_TOKENS = Set.of("openai", "azure");

  @Override
  public HttpCall request(ProviderRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object();
    boolean azure = isAzure(model);
    if (!azure) {
      body.put("model", model.apiName());
    }
    body.setAll(OpenAiChatFormat.render(r.conversation()));
    addSampling(body, r);
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool t : r.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name());
        if (!t.description().isEmpty()) {
          fn.put("description", t.description());
        }
        fn.set("parameters", Json.parse(t.parametersJson()));
      }
    }
    if (r.serviceTier() != null) {
      body.put("service_tier", r.serviceTier());
    }
    if (r.stream()) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    r.credentials().key().ifPresent(k -> headers.put(azure ? "api-key" : "authorization", azure ? k : "Bearer " + k));
    headers.putAll(r.extraHeaders());
    return new HttpCall("POST", URI.create(url(model)), headers, Json.write(body));
  }

  private static void addSampling(ObjectNode body, ProviderRequest r) {
    SamplingParams p = r.params();
    int max = Math.min(p.maxNewTokens(), r.model().maxOutputTokens() > 0 ? r.model().maxOutputTokens() : p.maxNewTokens());
    body.put(MAX_COMPLETION_TOKENS.contains(r.model().provider()) ? "max_completion_tokens" : "max_tokens", max);
    boolean reasoning = r.model().capabilities().reasoning();
    // Reasoning models refuse temperature and top_p other than the default.
    if (!reasoning) {
      p.temperature().ifPresent(t -> body.put("temperature", t));
      p.topP().ifPresent(t -> body.put("top_p", t));
    }
    r.reasoningEffort().filter(e -> reasoning).ifPresent(e -> body.put("reasoning_effort", effort(e)));
    if (p.outputSchema().isPresent()) {
      ObjectNode schema = body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
      schema.put("name", "output").put("strict", true).set("schema", Json.parse(p.outputSchema().get()));
    } else if (p.jsonMode()) {
      body.putObject("response_format").put("type", "json_object");
    }
    if (p.logprobs()) {
      body.put("logprobs", true);
      p.topLogprobs().ifPresent(n -> body.put("top_logprobs", n));
    }
  }

  /** OpenAI's efforts: {@code minimal}, {@code low}, {@code medium}, {@code high}; none and xhigh map to the nearest. */
  static String effort(ReasoningEffort e) {
    return switch (e) {
      case NONE, MINIMAL -> "minimal";
      case LOW -> "low";
      case MEDIUM -> "medium";
      case HIGH, XHIGH -> "high";
    };
  }

  static boolean isAzure(ModelSpec model) {
    return model.provider().equals("azure") || model.apiBase().contains("/openai/deployments/");
  }

  private static String url(ModelSpec model) {
    String base = trimSlash(model.apiBase());
    if (isAzure(model)) {
      base = base.replace("{deployment}", model.apiName());
      String resource = System.getenv().getOrDefault("AZURE_OPENAI_RESOURCE", "");
      base = base.replace("{resource}", resource);
      String version = System.getenv().getOrDefault("AZURE_OPENAI_API_VERSION", AZURE_API_VERSION);
      return base + "/chat/completions?api-version=" + version;
    }
    return base + "/chat/completions";
  }

  static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root;
    try {
      root = Json.parse(answer.body());
    } catch (InvalidPromptException e) {
      throw Errors.unreadable("OpenAI chat", e);
    }
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw Errors.unreadable("OpenAI chat", new IllegalStateException("no choices"));
    }
    return new ParsedAnswer(message(choice.path("message")), choice.path("finish_reason").asText(null), usage(root.path("usage")),
        logprobs(choice.path("logprobs").path("content")));
  }

  static Message message(JsonNode msg) {
    List<Part> parts = new ArrayList<>();
    JsonNode reasoning = msg.get("reasoning_content");
    if (reasoning != null && reasoning.isTextual() && !reasoning.textValue().isEmpty()) {
      parts.add(Thinking.of(reasoning.textValue()));
    }
    JsonNode content = msg.get("content");
    if (content != null && content.isTextual() && !content.textValue().isEmpty()) {
      parts.add(new Text(content.textValue()));
    }
    for (JsonNode call : msg.path("tool_calls")) {
      JsonNode fn = call.path("function");
      parts.add(new ToolCall(call.path("id").asText(), fn.path("name").asText(), fn.path("arguments").asText("{}")));
    }
    return Message.of(dev.beamllm.prompt.Role.ASSISTANT, parts);
  }

  /** OpenAI's prompt tokens include the cached ones, which the model registry prices at the cached rate. */
  static Usage usage(JsonNode u) {
    return new Usage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0),
        u.path("prompt_tokens_details").path("cached_tokens").asLong(0), 0);
  }

  static List<TokenLogprob> logprobs(JsonNode content) {
    List<TokenLogprob> out = new ArrayList<>();
    if (content == null || !content.isArray()) {
      return out;
    }
    for (JsonNode t : content) {
      List<TokenLogprob.Alternative> top = new ArrayList<>();
      for (JsonNode a : t.path("top_logprobs")) {
        top.add(new TokenLogprob.Alternative(a.path("token").asText(), a.path("logprob").asDouble()));
      }
      out.add(new TokenLogprob(t.path("token").asText(), t.path("logprob").asDouble(), top));
    }
    return out;
  }

  @Override
  public StreamDecoder streamDecoder(ProviderRequest r) {
    return new OpenAiChatStreamDecoder();
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    String code = "";
    try {
      JsonNode e = Json.parse(answer.body()).path("error");
      message = e.path("message").asText(message);
      code = e.path("code").asText("");
    } catch (InvalidPromptException notJson) {
      // keep the status as the message
    }
    if (code.equals("context_length_exceeded")) {
      message = "context length exceeded: " + message;
    } else if (code.equals("content_filter")) {
      message = "content filter: " + message;
    }
    return Errors.classify(answer, message);
  }

  @Override
  public RateLimitInfo rateLimits(HttpAnswer a) {
    return new RateLimitInfo(num(a, "x-ratelimit-limit-requests"), num(a, "x-ratelimit-remaining-requests"),
        num(a, "x-ratelimit-limit-tokens"), num(a, "x-ratelimit-remaining-tokens"));
  }

  private static long num(HttpAnswer a, String header) {
    try {
      return a.header(header).map(Long::parseLong).orElse(-1L);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
