package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * A provider's batch API (OpenAI Batch, Anthropic Message Batches, Gemini batch mode): many
 * requests submitted at once and answered within a day at half price. An adapter implements it next
 * to {@link ProviderAdapter}; the client shards, submits, polls and reads results through these
 * calls, and reads each request's answer with the adapter's {@link ProviderAdapter#parse parse} and
 * {@link ProviderAdapter#error error}, as if the synchronous endpoint had given it.
 *
 * <p>Every call is built for a provider request of the batch (any one: they share the model, key
 * and API base), so it carries the same key, version headers and extra headers as the requests.
 */
public interface BatchApi {

  /**
   * Whether the model's provider offers this batch API (an OpenAI-compatible server usually does
   * not).
   */
  boolean batches(ModelSpec model);

  /** The provider's documented limits of one batch. */
  Limits limits();

  /**
   * One request as an item of a batch's input (a line of OpenAI's file, an element of Anthropic's
   * {@code requests} or Gemini's inline requests), tagged with {@code customId}; its UTF-8 length
   * counts towards {@link Limits#maxBytes}.
   *
   * @throws UnsupportedOperationException as {@link ProviderAdapter#request} does
   * @throws dev.beamllm.prompt.InvalidPromptException as {@link ProviderAdapter#request} does
   */
  String item(String customId, ProviderRequest request);

  /**
   * The call that uploads the batch's items before the batch is created (OpenAI's JSONL file), or
   * null when the items go in the create call itself.
   */
  HttpCall upload(ProviderRequest request, List<String> items);

  /**
   * The uploaded input's id, from the upload's 2xx answer.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read
   */
  String uploadedId(HttpAnswer answer);

  /**
   * The call that creates the batch.
   *
   * @param uploadedId the id {@link #uploadedId} read, or null when there was no upload
   */
  HttpCall create(ProviderRequest request, List<String> items, String uploadedId);

  /**
   * What a 2xx answer to a create or a poll says of the batch.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read
   */
  Status status(HttpAnswer answer);

  /** The call that reads the batch's status. */
  HttpCall poll(ProviderRequest request, String batchId);

  /** The call that cancels the batch; what it had answered stays readable. */
  HttpCall cancel(ProviderRequest request, String batchId);

  /**
   * The calls that fetch an ended batch's results (OpenAI's output and error files, Anthropic's
   * results), in order; none when the status itself carries them (Gemini's inline responses).
   */
  List<HttpCall> resultCalls(ProviderRequest request, Status status);

  /**
   * Each request's outcome by custom id, from the answer that showed the batch ended and the 2xx
   * answers of {@link #resultCalls}. A request missing from the map, or with a null {@link
   * Outcome#answer}, did not come back (expired, cancelled, never reached).
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when a body cannot be read
   */
  Map<String, Outcome> results(HttpAnswer ended, List<HttpAnswer> fetched);

  /**
   * The documented size limits of one batch.
   *
   * @param maxRequests the most requests
   * @param maxBytes the most bytes of input (the items' UTF-8 lengths plus a separator each)
   */
  record Limits(int maxRequests, long maxBytes) {}

  /**
   * A batch's state.
   *
   * @param id the provider's id, used in {@link #poll}, {@link #cancel} and URLs
   * @param running true while the provider may still answer requests of it
   * @param failure why the batch failed as a whole with no result (OpenAI's {@code failed} when its
   *     input was refused), or null
   * @param resultRefs where its results are (file ids, a URL), for {@link #resultCalls}
   */
  record Status(String id, boolean running, String failure, List<String> resultRefs) {
    /** Copies the list. */
    public Status {
      resultRefs = List.copyOf(resultRefs);
    }
  }

  /**
   * What became of one request of an ended batch.
   *
   * @param answer the answer the synchronous endpoint would have given (its status and body), or
   *     null when the request was not answered
   * @param why for an unanswered request, what the provider says ({@code expired}, {@code
   *     canceled}); null otherwise
   */
  record Outcome(HttpAnswer answer, String why) {}
}
