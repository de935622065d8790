package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a call stage takes: identical requests sent as one (the first is sent; its answer serves
 * every one of them under its own id), and the model to avoid. The first stage avoids none; the
 * retry stage avoids the model the first stage failed on. Encoded by {@link RequestGroupCoder}.
 *
 * @param requests the identical requests, at least one, in the order they were grouped
 * @param modelToAvoid the model the first stage failed on, or null when there is none to avoid
 */
record RequestGroup(List<LlmRequest> requests, @Nullable String modelToAvoid) {

  /** Copies the list; a blank model to avoid is refused (null means none). */
  RequestGroup {
    requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
    if (requests.isEmpty()) {
      throw new IllegalArgumentException("a request group needs at least one request");
    }
    if (modelToAvoid != null && modelToAvoid.isBlank()) {
      throw new IllegalArgumentException("the model to avoid must not be blank; null for none");
    }
  }

  /** Identical requests for the first stage, with no model to avoid. */
  static RequestGroup of(List<LlmRequest> identical) {
    return new RequestGroup(identical, null);
  }

  /** A single request for the first stage (no dedupe), with no model to avoid. */
  static RequestGroup of(LlmRequest request) {
    return new RequestGroup(List.of(request), null);
  }

  /**
   * The same requests for the retry stage, avoiding the model they failed on; the first stage's
   * answer names no model ({@code ""}) when none was tried, and then none is avoided.
   */
  RequestGroup avoiding(@Nullable String model) {
    return new RequestGroup(requests, model == null || model.isEmpty() ? null : model);
  }

  /** The request that is sent for the whole group. */
  LlmRequest sent() {
    return requests.get(0);
  }

  /** The models the client should prefer not to use: empty, or the one to avoid. */
  Set<String> avoid() {
    return modelToAvoid == null ? Set.of() : Set.of(modelToAvoid);
  }
}
