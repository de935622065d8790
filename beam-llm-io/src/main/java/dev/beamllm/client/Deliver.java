package dev.beamllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ServerToolFees;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The end of a request: builds its response, an answer through the postprocess hook or the error
 * that ended it, and stores answers in the cache. Thread-safe.
 */
final class Deliver {
  private static final System.Logger LOG = System.getLogger(Deliver.class.getName());

  private final ResponseCache cache;
  private final boolean keepRawBody;
  private final Postprocessor postprocess;
  private final String firstModel;

  /**
   * @param cache the answer cache, or null
   * @param postprocess the hook applied to every answer, or null
   * @param firstModel the client's first model, named by the error of a request that never chose
   *     one
   */
  Deliver(ResponseCache cache, boolean keepRawBody, Postprocessor postprocess, String firstModel) {
    this.cache = cache;
    this.keepRawBody = keepRawBody;
    this.postprocess = postprocess;
    this.firstModel = firstModel;
  }

  /**
   * An answer, through the postprocess hook.
   *
   * @param rawBody the provider's body, or null
   * @param warnings what the adapter changed in the request from what was asked
   */
  ApiResponse answer(
      ModelSpec spec,
      ParsedAnswer parsed,
      Duration latency,
      int attempts,
      String rawBody,
      Conversation conversation,
      List<String> warnings) {
    ApiResponse response =
        ApiResponse.builder()
            .setModel(spec.id())
            .setProvider(spec.provider())
            .setMessage(parsed.message())
            .setFinishReason(parsed.finishReason())
            .setUsage(parsed.usage())
            .setCost(
                spec.cost(parsed.usage(), parsed.serviceTier(), parsed.hourCacheWriteTokens())
                    + ServerToolFees.of(spec, succeededServerTools(parsed.message())))
            .setServiceTier(parsed.serviceTier())
            .setLatency(latency)
            .setAttempts(attempts)
            .setLogprobs(parsed.logprobs())
            .setRawBody(keepRawBody ? rawBody : null)
            .setConversationId(conversation.id().orElse(null))
            .setConversationMetadataJson(conversation.metadataJson().orElse(null))
            .setWarnings(warnings)
            .build();
    return postprocess != null ? postprocess.apply(response) : response;
  }

  /**
   * The provider's tool calls in an answer that ran and did not fail, by kind; a part standing for
   * several searches (Gemini's grounding, with its {@code queries}) counts each.
   */
  private static Map<String, Integer> succeededServerTools(Message message) {
    Map<String, Integer> calls = new HashMap<>();
    for (ServerToolUse use : message.partsOf(ServerToolUse.class)) {
      if (!use.isError() && use.output() != null) {
        JsonNode queries = Json.parse(use.arguments()).path("queries");
        calls.merge(use.kind(), queries.isArray() ? queries.size() : 1, Integer::sum);
      }
    }
    return calls;
  }

  /**
   * The response of a request that ended in an error.
   *
   * @param model the last model chosen, or null
   * @param spec its spec, or null
   */
  ApiResponse failure(
      ApiError error, String model, ModelSpec spec, int attempts, Conversation conversation) {
    String m = model != null ? model : firstModel;
    return ApiResponse.builder()
        .setModel(spec != null ? spec.id() : m)
        .setProvider(spec != null ? spec.provider() : "")
        .setError(error)
        .setAttempts(attempts)
        .setConversationId(conversation.id().orElse(null))
        .setConversationMetadataJson(conversation.metadataJson().orElse(null))
        .build();
  }

  /**
   * Stores an answer under its key (none when null); the future completes when it is written, and
   * also when it cannot be, because a cache that cannot write (a full disk) must not lose the
   * answer we paid for.
   */
  CompletableFuture<Void> store(String key, ApiResponse response) {
    if (key == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> written;
    try {
      written = cache.putAsync(key, response);
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return written.handle(
        (stored, writeError) -> {
          if (writeError != null) {
            LOG.log(System.Logger.Level.WARNING, "cache write failed: " + writeError);
          }
          return null;
        });
  }
}
