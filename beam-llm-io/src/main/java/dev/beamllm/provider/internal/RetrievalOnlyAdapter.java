package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The adapter of a provider that serves embeddings and rerank but no chat (Voyage AI, Jina AI).
 * Every wire format needs an adapter: its embedding and rerank calls are assembled by it (base URL,
 * bearer key, extra headers) and their failures classified by its {@link #error}. A chat request is
 * refused before anything is sent, with {@link UnsupportedOperationException}, which the client
 * reports as {@code UNSUPPORTED}.
 *
 * <p>Both providers answer errors as FastAPI does: {@code {"detail": "message"}}, or for a request
 * that fails validation {@code {"detail": [{"loc", "msg", "type"}]}}.
 */
public abstract class RetrievalOnlyAdapter extends BaseAdapter {
  private final String provider;

  /**
   * @param provider the provider's name, for the refusal of chat requests
   */
  protected RetrievalOnlyAdapter(String provider) {
    this.provider = provider;
  }

  @Override
  protected final String path(ProviderRequest r) {
    throw refusal(r);
  }

  /** The key as a bearer token. */
  @Override
  protected final Map<String, String> headers(ProviderRequest r) {
    return bearerKey(r);
  }

  /**
   * Refused: the provider has no chat API.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  protected final ObjectNode body(ProviderRequest r) {
    throw refusal(r);
  }

  /**
   * Refused: no chat answer comes from this provider.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public final ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    throw refusal(r);
  }

  private UnsupportedOperationException refusal(ProviderRequest r) {
    return new UnsupportedOperationException(
        provider
            + " serves embeddings and rerank only, not chat: "
            + r.model().id()
            + " is a "
            + r.model().kind().name().toLowerCase(Locale.ROOT)
            + " model (use LlmClient.embed/rerank or LlmIO.embed/rerank)");
  }

  /**
   * The {@code detail} message by status; a 503 is the provider without capacity (Voyage's SDK
   * calls it "overloaded or not ready yet" and retries it).
   */
  @Override
  public ApiError error(HttpAnswer answer) {
    String message = detail(answer.body()).orElse("HTTP " + answer.status());
    ApiError byStatus = Errors.classify(answer, message);
    ErrorKind kind = answer.status() == 503 ? ErrorKind.OVERLOADED : byStatus.kind();
    return new ApiError(kind, message, answer.status(), byStatus.retryAfterMillis());
  }

  /** A FastAPI error's {@code detail}: the text, or the validation errors' messages joined. */
  static Optional<String> detail(String body) {
    JsonNode detail;
    try {
      JsonNode root = Json.parse(body);
      detail = root == null ? null : root.get("detail");
    } catch (InvalidPromptException notJson) {
      return Optional.empty();
    }
    if (detail == null) {
      return Optional.empty();
    }
    if (detail.isTextual()) {
      return Optional.of(detail.textValue());
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode item : detail) {
      if (out.length() > 0) {
        out.append("; ");
      }
      JsonNode loc = item.get("loc");
      if (loc != null && loc.isArray() && !loc.isEmpty()) {
        out.append(loc.get(loc.size() - 1).asText()).append(": ");
      }
      out.append(item.path("msg").asText(item.toString()));
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }
}
