package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.internal.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * OpenAI's Batch API for one endpoint (chat completions or Responses): the items uploaded as a
 * JSONL file ({@link OpenAiBatchFiles}), {@code POST /batches} naming it, {@code GET /batches/{id}}
 * until it ends, and the output and error files read back. Each call is the adapter's own ({@code
 * BaseAdapter.call}), so it carries the same key and extra headers as the endpoint's requests.
 * Shapes: openai-python's {@code Batch}, {@code BatchCreateParams}; reference:
 * platform.openai.com/docs/api-reference/batch, /docs/guides/batch.
 */
final class OpenAiBatch implements BatchApi {

  /**
   * 50,000 requests and 200 MB of input file (platform.openai.com/docs/guides/batch, "Rate
   * limits"). The bytes are counted as decimal megabytes, the lower reading.
   */
  private static final Limits LIMITS = new Limits(50_000, 200_000_000L);

  /**
   * The states in which OpenAI may still answer requests of the batch. Any other, including one
   * added later, is taken as ended: results are then read from whatever files it names, rather than
   * polled for up to a day.
   */
  private static final Set<String> RUNNING =
      Set.of("validating", "in_progress", "finalizing", "cancelling");

  /** Batch and file ids go into URL paths; anything else would be a broken answer. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");

  /** One call of the adapter's API ({@code BaseAdapter.call}). */
  interface Caller {
    /** The call, with the adapter's headers; {@code path} is appended to the API base. */
    HttpCall call(ProviderRequest request, String method, String path, String body);
  }

  private final WireFormat format;
  private final Caller caller;
  private final Function<ProviderRequest, String> body;
  private final Function<ProviderRequest, String> endpoint;

  /**
   * @param format the wire format of the endpoint's models
   * @param caller the adapter's calls
   * @param body the endpoint's body for a request, unstreamed
   * @param endpoint the path of the endpoint's URL ({@code /v1/chat/completions}), which OpenAI
   *     names in each line and in the batch
   */
  OpenAiBatch(
      WireFormat format,
      Caller caller,
      Function<ProviderRequest, String> body,
      Function<ProviderRequest, String> endpoint) {
    this.format = format;
    this.caller = caller;
    this.body = body;
    this.endpoint = endpoint;
  }

  /**
   * OpenAI's own API only: Azure OpenAI runs batches on deployments of their own kind, and the
   * OpenAI-compatible servers mostly have none.
   */
  @Override
  public boolean batches(ModelSpec model) {
    return model.provider().equals("openai")
        && model.wireFormat() == format
        && !OpenAiChatAdapter.isAzure(model);
  }

  @Override
  public Limits limits() {
    return LIMITS;
  }

  /** A line {@code {"custom_id", "method": "POST", "url", "body"}}, the body as text. */
  @Override
  public String item(String customId, ProviderRequest r) {
    return "{\"custom_id\":"
        + Json.write(TextNode.valueOf(customId))
        + ",\"method\":\"POST\",\"url\":"
        + Json.write(TextNode.valueOf(endpoint.apply(r)))
        + ",\"body\":"
        + body.apply(r)
        + "}";
  }

  /**
   * {@code POST /files} of the items as {@code batch.jsonl}, {@code purpose=batch}; its content
   * type is the multipart one, in place of the JSON one every other call has.
   */
  @Override
  public HttpCall upload(ProviderRequest r, List<String> items) {
    OpenAiBatchFiles.Multipart multipart = OpenAiBatchFiles.upload(items);
    HttpCall c = caller.call(r, "POST", "/files", multipart.body());
    Map<String, String> headers = new LinkedHashMap<>();
    c.headers()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase("content-type")) {
                headers.put(k, v);
              }
            });
    headers.put("content-type", multipart.contentType());
    return new HttpCall(c.method(), c.uri(), headers, c.body());
  }

  /** The File object's {@code id}. */
  @Override
  public String uploadedId(HttpAnswer answer) {
    return id(Errors.body(OpenAiBatchFiles.API, answer), "file");
  }

  /** {@code POST /batches} {@code {"input_file_id", "endpoint", "completion_window": "24h"}}. */
  @Override
  public HttpCall create(ProviderRequest r, List<String> items, String uploadedId) {
    ObjectNode b =
        Json.object()
            .put("input_file_id", uploadedId)
            .put("endpoint", endpoint.apply(r))
            // The only window OpenAI offers.
            .put("completion_window", "24h");
    return caller.call(r, "POST", "/batches", Json.write(b));
  }

  /**
   * The Batch's id and state; once ended its output and error files (either may be absent); a
   * {@code failed} batch (its input refused) with its {@code errors.data[].message} joined.
   */
  @Override
  public Status status(HttpAnswer answer) {
    JsonNode batch = Errors.body(OpenAiBatchFiles.API, answer);
    String id = id(batch, "batch");
    String state = batch.path("status").asText("");
    if (RUNNING.contains(state)) {
      return new Status(id, true, null, List.of());
    }
    if (state.equals("failed")) {
      List<String> why = new ArrayList<>();
      for (JsonNode e : batch.path("errors").path("data")) {
        why.add(e.path("message").asText(e.path("code").asText("")));
      }
      return new Status(
          id, false, why.isEmpty() ? "the batch failed" : String.join("; ", why), List.of());
    }
    List<String> files = new ArrayList<>();
    for (String field : List.of("output_file_id", "error_file_id")) {
      String file = batch.path(field).asText(null);
      if (file != null) {
        files.add(checked(file, "file"));
      }
    }
    return new Status(id, false, null, files);
  }

  /** {@code GET /batches/{id}}. */
  @Override
  public HttpCall poll(ProviderRequest r, String batchId) {
    return caller.call(r, "GET", "/batches/" + batchId, "");
  }

  /** {@code POST /batches/{id}/cancel}. */
  @Override
  public HttpCall cancel(ProviderRequest r, String batchId) {
    return caller.call(r, "POST", "/batches/" + batchId + "/cancel", "");
  }

  /** {@code GET /files/{id}/content} of the output file, then of the error file. */
  @Override
  public List<HttpCall> resultCalls(ProviderRequest r, Status status) {
    List<HttpCall> calls = new ArrayList<>();
    for (String file : status.resultRefs()) {
      calls.add(caller.call(r, "GET", "/files/" + file + "/content", ""));
    }
    return calls;
  }

  /** The files' lines by custom id; the batch's own answer adds nothing to them. */
  @Override
  public Map<String, Outcome> results(HttpAnswer ended, List<HttpAnswer> fetched) {
    return OpenAiBatchFiles.results(fetched);
  }

  private static String id(JsonNode object, String what) {
    return checked(object.path("id").asText(""), what);
  }

  private static String checked(String id, String what) {
    if (!ID.matcher(id).matches()) {
      throw Errors.unreadable(
          OpenAiBatchFiles.API,
          new IllegalStateException("the " + what + " has no usable id: '" + id + "'"));
    }
    return id;
  }
}
