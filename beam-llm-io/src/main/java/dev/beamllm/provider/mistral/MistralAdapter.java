package dev.beamllm.provider.mistral;

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
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.openai.ChatCompletions;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mistral chat completions (bearer key): OpenAI's request and answer, with Mistral's messages (see
 * {@link MistralFormat}), {@code response_format} of type {@code json_object} or {@code
 * json_schema}, Magistral's content chunks of {@code thinking} and {@code text}, its own error
 * bodies and per-minute rate-limit headers. The answer's tool-call ids are the nine letters and
 * digits Mistral requires back, so they go back unchanged. Reference: docs.mistral.ai/api and
 * docs.mistral.ai/capabilities/structured-output.
 */
public final class MistralAdapter extends BaseAdapter {
  private static final String API = "Mistral chat";

  /** Mistral's embeddings, called as this adapter. */
  private final EmbeddingApi embeddings = new MistralEmbeddings(this::call);

  /**
   * The embedding endpoint of Mistral ({@code /embeddings}), making its calls as this adapter makes
   * its own (same key, version and extra headers). An accessor rather than an interface of the
   * adapter, whose {@code parse} already reads chat answers.
   */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  @Override
  protected String path(ProviderRequest r) {
    return "/chat/completions";
  }

  /** The key as a bearer token. */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    return bearerKey(r);
  }

  /**
   * The chat completions body.
   *
   * @throws UnsupportedOperationException for a streamed request: there is no Mistral stream
   *     decoder
   */
  @Override
  protected ObjectNode body(ProviderRequest r) {
    if (r.stream()) {
      throw new UnsupportedOperationException("Mistral streaming is not supported");
    }
    ModelSpec model = r.model();
    SamplingParams p = r.params();
    ObjectNode body = Json.object().put("model", model.apiName());
    body.setAll(MistralFormat.render(r.conversation()));
    body.put("max_tokens", r.maxOutputTokens());
    p.temperature().ifPresent(t -> body.put("temperature", t));
    p.topP().ifPresent(t -> body.put("top_p", t));
    if (p.outputSchema().isPresent()) {
      ObjectNode schema =
          body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
      schema
          .put("name", "output")
          .put("strict", true)
          .set("schema", Json.parse(p.outputSchema().get()));
    } else if (p.jsonMode()) {
      body.putObject("response_format").put("type", "json_object");
    }
    if (!r.tools().isEmpty()) {
      body.set("tools", ChatCompletions.tools(r.tools()));
    }
    return body;
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw Errors.unreadable(API, new IllegalStateException("no choices"));
    }
    JsonNode msg = choice.path("message");
    Message message = msg.path("content").isArray() ? chunks(msg) : ChatCompletions.message(msg);
    return new ParsedAnswer(
        message,
        choice.path("finish_reason").asText(null),
        ChatCompletions.usage(root.path("usage")),
        List.of());
  }

  /**
   * A message whose content is a list of chunks, as Magistral answers: {@code thinking} (itself a
   * list of text chunks) and {@code text}, then the tool calls.
   */
  private static Message chunks(JsonNode msg) {
    List<Part> parts = new ArrayList<>();
    for (JsonNode chunk : msg.get("content")) {
      switch (chunk.path("type").asText("")) {
        case "text" -> parts.add(new Text(chunk.path("text").asText()));
        case "thinking" -> {
          StringBuilder thought = new StringBuilder();
          chunk.path("thinking").forEach(t -> thought.append(t.path("text").asText()));
          parts.add(Thinking.of(thought.toString()));
        }
        default -> {
          // References and other chunks carry no text of the answer.
        }
      }
    }
    parts.addAll(ChatCompletions.toolCalls(msg));
    return Message.of(Role.ASSISTANT, parts);
  }

  /**
   * Mistral's error bodies: {@code {"object": "error", "message", "type", "code"}}, whose message
   * is pydantic's {@code {"detail": [...]}} for a schema error (a 422); the gateway's {@code
   * {"message"}}; FastAPI's {@code {"detail"}}. An unknown model is a 400 of type {@code
   * invalid_model}, and a 503 is Mistral saying it has no capacity now.
   */
  @Override
  public ApiError error(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    String type = "";
    try {
      JsonNode root = Json.parse(answer.body());
      type = root.path("type").asText("");
      JsonNode m = root.has("message") ? root.get("message") : root.path("detail");
      message = text(m, message);
    } catch (InvalidPromptException notJson) {
      // keep the status as the message
    }
    ApiError byStatus = Errors.classify(answer, message);
    ErrorKind kind =
        type.equals("invalid_model")
            ? ErrorKind.NOT_FOUND
            : answer.status() == 503 ? ErrorKind.OVERLOADED : byStatus.kind();
    return new ApiError(kind, message, answer.status(), byStatus.retryAfterMillis());
  }

  /** A message as text: a string, or pydantic's details as {@code loc: msg} lines. */
  private static String text(JsonNode m, String fallback) {
    if (m.isTextual()) {
      return m.textValue();
    }
    JsonNode detail = m.isObject() ? m.path("detail") : m;
    if (detail.isTextual()) {
      return detail.textValue();
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode d : detail) {
      List<String> loc = new ArrayList<>();
      d.path("loc").forEach(l -> loc.add(l.asText()));
      lines.add(String.join(".", loc) + ": " + d.path("msg").asText());
    }
    return lines.isEmpty() ? fallback : String.join("; ", lines);
  }

  /** Mistral's {@code x-ratelimit-*-req-minute} and {@code x-ratelimit-*-tokens-minute} headers. */
  @Override
  public RateLimitInfo rateLimits(HttpAnswer a) {
    return new RateLimitInfo(
        ChatCompletions.headerNumber(a, "x-ratelimit-limit-req-minute"),
        ChatCompletions.headerNumber(a, "x-ratelimit-remaining-req-minute"),
        ChatCompletions.headerNumber(a, "x-ratelimit-limit-tokens-minute"),
        ChatCompletions.headerNumber(a, "x-ratelimit-remaining-tokens-minute"));
  }
}
