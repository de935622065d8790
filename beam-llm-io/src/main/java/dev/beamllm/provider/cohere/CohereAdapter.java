package dev.beamllm.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.openai.ChatCompletions;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cohere v2 chat ({@code POST {api_base}/chat}, bearer key). Nucleus sampling is {@code p}, JSON
 * output is {@code response_format} {@code json_object} with an optional {@code json_schema}, and
 * log-probabilities come for the chosen tokens only (Cohere returns no alternatives). The answer's
 * {@code tool_plan} and {@code thinking} content become thinking, so the plan goes back with its
 * tool calls as Cohere asks. Reference: docs.cohere.com/reference/chat and
 * docs.cohere.com/reference/errors.
 */
public final class CohereAdapter extends BaseAdapter {
  private static final String API = "Cohere chat";

  /** Cohere's embed v2, called as this adapter. */
  private final EmbeddingApi embeddings = new CohereEmbeddings(this::call);

  /** Cohere's rerank v2, called as this adapter. */
  private final RerankApi rerank = new CohereRerank(this::call);

  /**
   * The embedding endpoint of Cohere v2 ({@code /embed}), making its calls as this adapter makes
   * its own (same key, version and extra headers). An accessor rather than an interface of the
   * adapter, whose {@code parse} already reads chat answers.
   */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /**
   * The rerank endpoint of Cohere v2 ({@code /rerank}), making its calls as this adapter makes its
   * own. An accessor, as {@link #embeddingApi} is.
   */
  public RerankApi rerankApi() {
    return rerank;
  }

  /**
   * Cohere's range for {@code p}; 1.0, a common way to say "no nucleus cut", is refused, so it is
   * brought within.
   */
  private static final double MIN_P = 0.01;

  private static final double MAX_P = 0.99;

  @Override
  protected String path(ProviderRequest r) {
    return "/chat";
  }

  /** The key as a bearer token. */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    return bearerKey(r);
  }

  /**
   * The chat body.
   *
   * @throws UnsupportedOperationException for a streamed request: there is no Cohere stream decoder
   */
  @Override
  protected ObjectNode body(ProviderRequest r) {
    if (r.stream()) {
      throw new UnsupportedOperationException("Cohere streaming is not supported");
    }
    ModelSpec model = r.model();
    SamplingParams p = r.params();
    ObjectNode body = Json.object().put("model", model.apiName());
    body.setAll(CohereFormat.render(r.conversation()));
    body.put("max_tokens", r.maxOutputTokens());
    p.temperature().ifPresent(t -> body.put("temperature", t));
    p.topP().ifPresent(t -> body.put("p", Math.max(MIN_P, Math.min(MAX_P, t))));
    if (!r.tools().isEmpty()) {
      body.set("tools", ChatCompletions.tools(r.tools(), false));
      // Cohere's strictness covers every tool of the request (docs.cohere.com/reference/chat).
      if (r.tools().stream().anyMatch(Tool::strict)) {
        body.put("strict_tools", true);
      }
    }
    if (p.outputSchema().isPresent() || p.jsonMode()) {
      ObjectNode format = body.putObject("response_format").put("type", "json_object");
      p.outputSchema().ifPresent(s -> format.set("json_schema", Json.parse(s)));
    }
    if (p.logprobs()) {
      body.put("logprobs", true);
    }
    // Reasoning models take a budget, or none to turn thinking off
    // (docs.cohere.com/reference/chat, "thinking").
    p.thinkingBudget()
        .ifPresent(
            n -> {
              ObjectNode thinking =
                  body.putObject("thinking").put("type", n > 0 ? "enabled" : "disabled");
              if (n > 0) {
                thinking.put("token_budget", n);
              }
            });
    return body;
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    JsonNode msg = root.get("message");
    if (msg == null || !msg.isObject()) {
      throw Errors.unreadable(API, new IllegalStateException("no message"));
    }
    return new ParsedAnswer(
        message(msg),
        root.path("finish_reason").asText(null),
        usage(root.path("usage")),
        logprobs(root.path("logprobs")));
  }

  /**
   * The tool plan, then the content items ({@code thinking}, {@code text}), then the tool calls.
   */
  private static Message message(JsonNode msg) {
    List<Part> parts = new ArrayList<>();
    String plan = msg.path("tool_plan").asText("");
    if (!plan.isEmpty()) {
      parts.add(Thinking.of(plan));
    }
    for (JsonNode item : msg.path("content")) {
      switch (item.path("type").asText("")) {
        case "text" -> parts.add(new Text(item.path("text").asText()));
        case "thinking" -> parts.add(Thinking.of(item.path("thinking").asText()));
        default -> {
          // Other items (citations live apart) carry no text of the answer.
        }
      }
    }
    parts.addAll(ChatCompletions.toolCalls(msg));
    return Message.of(Role.ASSISTANT, parts);
  }

  /**
   * The tokens Cohere bills ({@code usage.billed_units}), which cost is priced on; else the tokens
   * it processed ({@code usage.tokens}, which also count the prompt Cohere adds of its own).
   */
  private static Usage usage(JsonNode usage) {
    JsonNode counts = usage.has("billed_units") ? usage.get("billed_units") : usage.path("tokens");
    return Usage.of(counts.path("input_tokens").asLong(0), counts.path("output_tokens").asLong(0));
  }

  /**
   * Each item is a piece of text with the log-probabilities of its tokens; the piece's is their
   * sum.
   */
  private static List<TokenLogprob> logprobs(JsonNode items) {
    List<TokenLogprob> out = new ArrayList<>();
    for (JsonNode item : items) {
      double sum = 0;
      for (JsonNode lp : item.path("logprobs")) {
        sum += lp.asDouble();
      }
      out.add(new TokenLogprob(item.path("text").asText(), sum, List.of()));
    }
    return out;
  }

  /**
   * Cohere's {@code {"message"}} errors by status; a 400 whose message starts "too many tokens" is
   * over the context window, and a 503 is Cohere without capacity.
   */
  @Override
  public ApiError error(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    try {
      message = Json.parse(answer.body()).path("message").asText(message);
    } catch (InvalidPromptException notJson) {
      // keep the status as the message
    }
    ApiError byStatus = Errors.classify(answer, message);
    ErrorKind kind = byStatus.kind();
    if (answer.status() == 503) {
      kind = ErrorKind.OVERLOADED;
    } else if (answer.status() == 400
        && message.toLowerCase(Locale.ROOT).startsWith("too many tokens")) {
      kind = ErrorKind.CONTEXT_LENGTH;
    }
    return new ApiError(kind, message, answer.status(), byStatus.retryAfterMillis());
  }
}
