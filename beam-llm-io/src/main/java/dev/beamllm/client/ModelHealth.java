package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models this client has given up on: one that rejects the key (401, 403), that does not exist
 * there (404), whose account has no quota or credit left ({@link ErrorKind#QUOTA_EXHAUSTED}), or
 * that cannot be reached at all ({@value #UNREACHABLE_AFTER} connection failures in a row, no
 * answer between them). Nothing more is sent to such a model, so its remaining requests fail at
 * once with the reason instead of each paying its own retries and backoff: a wrong base URL costs
 * seconds, not minutes and a hundred thousand connection attempts. Thread-safe.
 */
final class ModelHealth {
  /**
   * Connection failures in a row, with no answer between them, after which a model is unreachable.
   */
  static final int UNREACHABLE_AFTER = 20;

  private final Map<String, ApiError> gone = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connectionFailures = new ConcurrentHashMap<>();

  /** Whether the model was given up. */
  boolean isGone(String model) {
    return gone.containsKey(model);
  }

  /** Why the model was given up, or null. */
  ApiError reason(String model) {
    return gone.get(model);
  }

  /** The models given up so far. */
  Set<String> goneModels() {
    return gone.keySet();
  }

  /** An answer came from the model: it can be reached. */
  void answered(String model) {
    AtomicInteger n = connectionFailures.get(model);
    if (n != null) {
      n.set(0);
    }
  }

  /**
   * Records an attempt's error; gives the model up when the error says it is no use sending more.
   */
  void failed(String model, ModelSpec spec, ApiError error) {
    switch (error.kind()) {
      case AUTH ->
          giveUp(model, error, "model '" + model + "' at " + spec.apiBase() + " rejects the key");
      case NOT_FOUND ->
          giveUp(model, error, "model '" + model + "' was not found at " + spec.apiBase());
      case QUOTA_EXHAUSTED ->
          giveUp(
              model,
              error,
              "model '" + model + "' at " + spec.apiBase() + " has no quota or credit left");
      case CONNECTION -> {
        int inARow =
            connectionFailures.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
        if (inARow >= UNREACHABLE_AFTER) {
          giveUp(
              model,
              error,
              "model '"
                  + model
                  + "' at "
                  + spec.apiBase()
                  + " cannot be reached ("
                  + inARow
                  + " connection failures in a row)");
        }
      }
      default -> answered(model);
    }
  }

  private void giveUp(String model, ApiError cause, String what) {
    gone.putIfAbsent(
        model,
        new ApiError(
            cause.kind(),
            what + ": " + cause.message() + "; nothing more is sent to it",
            cause.status(),
            -1));
  }

  /** The error for a request that cannot go anywhere because these models were given up. */
  ApiError noModelLeft(Iterable<String> models) {
    for (String m : models) {
      ApiError e = gone.get(m);
      if (e != null) {
        return e;
      }
    }
    return ApiError.of(ErrorKind.UNSUPPORTED, "no model is left to send to");
  }
}
