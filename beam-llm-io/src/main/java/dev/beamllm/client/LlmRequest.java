package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One conversation with the settings that belong to it alone: its own model, output limit,
 * temperature and output schema (each overriding the client's), and its source (the input as the
 * user wrote it, carried to its failure record). A file of prompts whose rows name their own model
 * or limit is one stream of requests through one client, under one quota.
 *
 * <pre>{@code
 * LlmRequest r = LlmRequest.of(Conversation.user("Name a prime.").withId("q1"))
 *     .withModel("claude-3.5-haiku").withMaxNewTokens(20);
 * client.start(r);
 * }</pre>
 */
@AutoValue
public abstract class LlmRequest {
  /** The conversation, with its id and metadata. */
  public abstract Conversation conversation();

  /** This request's own model (id or alias), used instead of the client's models. */
  public abstract Optional<String> model();

  /**
   * The model this request goes to while it can: the client's other models take it only when this
   * one was given up, cannot serve the request, or failed on it (as lm-deluge's {@code
   * prefer_model}: an agent's turns stay on one model and its thinking signatures stay valid).
   */
  public abstract Optional<String> preferredModel();

  /** This request's service tier, instead of the client's. */
  public abstract Optional<String> serviceTier();

  /** This request's output limit, instead of the client's. */
  public abstract Optional<Integer> maxNewTokens();

  /** This request's temperature, instead of the client's. */
  public abstract Optional<Double> temperature();

  /** A JSON schema this request's output must satisfy, instead of the client's. */
  public abstract Optional<String> outputSchema();

  /**
   * The input as the user wrote it (a file's line, a table's row), carried to the failure record.
   */
  public abstract Optional<String> source();

  /**
   * The tools this request offers the model, instead of the client's (an agent's turns offer its
   * tool set); part of the cache key.
   */
  public abstract Optional<List<Tool>> tools();

  abstract Builder toBuilder();

  /** A request with the client's settings. */
  public static LlmRequest of(Conversation conversation) {
    return new AutoValue_LlmRequest.Builder()
        .setConversation(Objects.requireNonNull(conversation, "conversation"))
        .build();
  }

  /** The conversation's id, if it has one. */
  public Optional<String> id() {
    return conversation().id();
  }

  /** A copy with another conversation (the same settings). */
  public LlmRequest withConversation(Conversation conversation) {
    return toBuilder()
        .setConversation(Objects.requireNonNull(conversation, "conversation"))
        .build();
  }

  /** A copy sent to this model alone (an id or alias the client's registry knows). */
  public LlmRequest withModel(@Nullable String model) {
    if (model != null && model.isBlank()) {
      throw new IllegalArgumentException("a request's model must not be blank");
    }
    return toBuilder().setModel(model).build();
  }

  /** A copy preferring this model (an id or alias the client's registry knows). */
  public LlmRequest withPreferredModel(@Nullable String model) {
    if (model != null && model.isBlank()) {
      throw new IllegalArgumentException("a request's preferred model must not be blank");
    }
    return toBuilder().setPreferredModel(model).build();
  }

  /** A copy with its own service tier ({@code flex}, {@code priority}, ...). */
  public LlmRequest withServiceTier(@Nullable String tier) {
    if (tier != null && tier.isBlank()) {
      throw new IllegalArgumentException("a request's service tier must not be blank");
    }
    return toBuilder().setServiceTier(tier == null ? null : tier.trim()).build();
  }

  /** A copy with this output limit (positive). */
  public LlmRequest withMaxNewTokens(@Nullable Integer n) {
    if (n != null && n <= 0) {
      throw new IllegalArgumentException("max_new_tokens must be positive, got " + n);
    }
    return toBuilder().setMaxNewTokens(n).build();
  }

  /** A copy with this temperature (0 to 2). */
  public LlmRequest withTemperature(@Nullable Double t) {
    if (t != null && !(t >= 0 && t <= 2)) {
      throw new IllegalArgumentException("temperature must be in [0, 2], got " + t);
    }
    return toBuilder().setTemperature(t).build();
  }

  /** A copy whose output must satisfy this JSON schema (a JSON object). */
  public LlmRequest withOutputSchema(@Nullable String schemaJson) {
    if (schemaJson != null) {
      boolean object;
      try {
        object = Json.parse(schemaJson).isObject();
      } catch (RuntimeException e) {
        object = false;
      }
      if (!object) {
        throw new IllegalArgumentException("the output schema must be a JSON object");
      }
    }
    return toBuilder().setOutputSchema(schemaJson).build();
  }

  /** A copy offering these tools instead of the client's (null: the client's). */
  public LlmRequest withTools(@Nullable List<Tool> tools) {
    return toBuilder().setTools(tools == null ? null : List.copyOf(tools)).build();
  }

  /** The tools this request offers: its own, or else {@code clientTools}. */
  List<Tool> toolsOr(List<Tool> clientTools) {
    return tools().orElse(clientTools);
  }

  /** A copy carrying its source, as the user wrote it. */
  public LlmRequest withSource(@Nullable String source) {
    return toBuilder().setSource(source).build();
  }

  /** Whether any setting of the client is overridden. */
  public boolean overridesParams() {
    return maxNewTokens().isPresent() || temperature().isPresent() || outputSchema().isPresent();
  }

  /** The client's sampling parameters with this request's overrides applied. */
  public SamplingParams applyTo(SamplingParams params) {
    if (!overridesParams()) {
      return params;
    }
    SamplingParams.Builder b = params.toBuilder();
    maxNewTokens().ifPresent(b::maxNewTokens);
    temperature().ifPresent(b::temperature);
    outputSchema().ifPresent(b::outputSchema);
    return b.build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setConversation(Conversation c);

    abstract Builder setModel(@Nullable String model);

    abstract Builder setPreferredModel(@Nullable String model);

    abstract Builder setServiceTier(@Nullable String tier);

    abstract Builder setMaxNewTokens(@Nullable Integer n);

    abstract Builder setTemperature(@Nullable Double t);

    abstract Builder setOutputSchema(@Nullable String schema);

    abstract Builder setSource(@Nullable String source);

    abstract Builder setTools(@Nullable List<Tool> tools);

    abstract LlmRequest build();
  }
}
