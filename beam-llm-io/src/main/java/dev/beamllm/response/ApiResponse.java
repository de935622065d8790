package dev.beamllm.response;

import com.google.auto.value.AutoValue;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The outcome of one conversation: the model's answer (text, tool calls, thinking) with usage,
 * cost, latency and attempts, or the error that ended it. Every prompt given to a client gets
 * exactly one. {@code conversation.add(response.message())} continues a conversation with it. Its
 * Beam coder is registered by {@code dev.beamllm.beam.LlmCoders}.
 */
@AutoValue
public abstract class ApiResponse {

  /** The registry id of the model that answered (or last tried). */
  public abstract String model();

  /**
   * The provider that answered ({@code openai}, {@code anthropic}, ...), or empty before any
   * attempt.
   */
  public abstract String provider();

  /**
   * The assistant message: text, tool calls and thinking in the provider's order; empty on error.
   */
  public abstract Message message();

  /**
   * Why generation stopped, in the provider's words ({@code stop}, {@code end_turn}, {@code
   * tool_calls}, ...).
   */
  public abstract Optional<String> finishReason();

  /** Tokens used, as the provider reported them. */
  public abstract Usage usage();

  /** The dollar cost of the usage, by the model's prices at the service tier the answer reports. */
  public abstract double cost();

  /**
   * The service tier the provider says served the request ({@code default}, {@code flex}, {@code
   * priority}, {@code standard}, ...), when it says one; the cost is priced by it.
   */
  public abstract Optional<String> serviceTier();

  /** The time from sending the last attempt to its answer. */
  public abstract Duration latency();

  /** Attempts made, including the one that answered. */
  public abstract int attempts();

  /** Per-token log-probabilities, when asked for. */
  public abstract List<TokenLogprob> logprobs();

  /** The provider's raw response body, when asked for. */
  public abstract Optional<String> rawBody();

  /** The id of the conversation this answers, when it had one. */
  public abstract Optional<String> conversationId();

  /** The metadata (a JSON object) of the conversation this answers, when it had some. */
  public abstract Optional<String> conversationMetadataJson();

  /** The error that ended the request, if it failed. */
  public abstract Optional<ApiError> error();

  /** True when the answer came from a cache instead of the provider. */
  public abstract boolean cacheHit();

  /**
   * What the client changed in the request so the provider would take it, in words: a setting left
   * out in this situation (Claude's extended thinking over a tool-use turn whose thinking cannot be
   * sent back, say). Empty when the request went as asked.
   */
  public abstract List<String> warnings();

  /** True when the request failed. */
  public boolean isError() {
    return error().isPresent();
  }

  /** The text parts of the answer joined by newlines. */
  public String completion() {
    return message().text();
  }

  /** The tool calls the model asked for. */
  public List<ToolCall> toolCalls() {
    return message().partsOf(ToolCall.class);
  }

  /** The model's thinking, when it showed any. */
  public List<Thinking> thinking() {
    return message().partsOf(Thinking.class);
  }

  /** A builder: empty answer, zero usage, one attempt. */
  public static Builder builder() {
    return new AutoValue_ApiResponse.Builder()
        .setProvider("")
        .setMessage(Message.assistant())
        .setUsage(Usage.ZERO)
        .setCost(0)
        .setLatency(Duration.ZERO)
        .setAttempts(1)
        .setLogprobs(List.of())
        .setCacheHit(false)
        .setWarnings(List.of());
  }

  /** A failed response. */
  public static ApiResponse failure(String model, ApiError error, int attempts) {
    return builder().setModel(model).setError(error).setAttempts(attempts).build();
  }

  /** A builder starting from this response. */
  public abstract Builder toBuilder();

  /** Builds {@link ApiResponse}s. */
  @AutoValue.Builder
  public abstract static class Builder {
    /** Sets the model id. */
    public abstract Builder setModel(String model);

    /**
     * Sets the provider that answered ({@code openai}, {@code anthropic}, ...), empty before any
     * attempt.
     */
    public abstract Builder setProvider(String provider);

    /** Sets the assistant message. */
    public abstract Builder setMessage(Message message);

    /**
     * Sets why the model stopped, in the provider's words ({@code stop}, {@code length}, {@code
     * tool_use}, ...).
     */
    public abstract Builder setFinishReason(@Nullable String finishReason);

    /** Sets the tokens the provider counted, with cache reads and writes. */
    public abstract Builder setUsage(Usage usage);

    /** Sets the cost in dollars. */
    public abstract Builder setCost(double cost);

    /** Sets the service tier the provider reported, or null when it reported none. */
    public abstract Builder setServiceTier(@Nullable String serviceTier);

    /** Sets the time from the last attempt's send to its answer. */
    public abstract Builder setLatency(Duration latency);

    /** Sets the attempts made, the first included (0 for a cache hit). */
    public abstract Builder setAttempts(int attempts);

    /** Sets the per-token log-probabilities, when the request asked for them. */
    public abstract Builder setLogprobs(List<TokenLogprob> logprobs);

    /** Sets the provider's answer body as received (only when the client keeps raw bodies). */
    public abstract Builder setRawBody(@Nullable String rawBody);

    /** Sets the id of the conversation this answers, so a row can be traced. */
    public abstract Builder setConversationId(@Nullable String id);

    /** Sets the conversation's metadata (a JSON object). */
    public abstract Builder setConversationMetadataJson(@Nullable String json);

    /** Sets the error that ended the request; an answer with an error has no message text. */
    public abstract Builder setError(@Nullable ApiError error);

    /** Marks a cache hit. */
    public abstract Builder setCacheHit(boolean cacheHit);

    /** Sets what the client changed in the request so the provider would take it. */
    public abstract Builder setWarnings(List<String> warnings);

    abstract ApiResponse autoBuild();

    /** Builds the response; the message must be an assistant message. */
    public ApiResponse build() {
      ApiResponse response = autoBuild();
      if (response.message().role() != Role.ASSISTANT) {
        throw new IllegalArgumentException(
            "an API response carries an assistant message, got " + response.message().role());
      }
      return response;
    }
  }
}
