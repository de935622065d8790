package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Anthropic's Message Batches, kept in memory: {@code POST /v1/messages/batches}, {@code GET
 * /v1/messages/batches/{id}}, {@code GET /v1/messages/batches/{id}/results} (JSONL) and {@code POST
 * /v1/messages/batches/{id}/cancel}. Each request's {@code params} is validated as {@code POST
 * /v1/messages} validates its body (with the batch request's headers), and a succeeded result
 * carries exactly the message that endpoint answers. A batch is {@code in_progress} when created,
 * {@code ended} once {@link Batches} says it completed; a cancel before that answers {@code
 * canceling} and the batch then reads {@code ended} with every request {@code canceled}. Shapes:
 * anthropic-sdk-python's {@code MessageBatch} and {@code MessageBatchIndividualResponse};
 * reference: docs.anthropic.com/en/api/creating-message-batches.
 */
final class AnthropicBatches {
  static final int MAX_REQUESTS = 100_000;
  private static final Pattern CUSTOM_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  private static final Set<String> VERSIONS = Set.of("2023-06-01", "2023-01-01");
  private static final String NOT_JSON =
      "There was an error parsing the body of your request. Please make sure it is valid JSON.";

  private final Batches batches;
  private final Dialect messages;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  AnthropicBatches(Batches batches, Dialect messages) {
    this.batches = batches;
    this.messages = messages;
  }

  /** One batch. */
  private final class Job {
    final String id;
    final List<String> customIds;
    final List<ParsedRequest> requests;
    final Instant createdAt;
    final long readyAtNanos;
    Instant cancelInitiatedAt;

    /** The result lines, once ended. */
    List<String> results;

    Job(String id, List<String> customIds, List<ParsedRequest> requests) {
      this.id = id;
      this.customIds = customIds;
      this.requests = requests;
      this.createdAt = Instant.now();
      this.readyAtNanos = batches.readyAtNanos();
    }

    /** Ends it if its time has come, answering its requests once. */
    synchronized boolean ended() {
      if (results != null) {
        return true;
      }
      if (cancelInitiatedAt == null && System.nanoTime() - readyAtNanos < 0) {
        return false;
      }
      List<String> lines = new ArrayList<>();
      int n = requests.size();
      for (int i = 0; i < n; i++) {
        Batches.Outcome outcome =
            cancelInitiatedAt != null ? Batches.Outcome.CANCELED : batches.outcome(i, n);
        ObjectNode line = Json.object().put("custom_id", customIds.get(i));
        ObjectNode result = line.putObject("result");
        switch (outcome) {
          case SUCCEEDED -> {
            result.put("type", "succeeded");
            result.set(
                "message", Json.parse(batches.lines().answer(messages, requests.get(i)).body()));
          }
          case FAILED -> {
            result.put("type", "errored");
            ObjectNode error = result.putObject("error").put("type", "error");
            error
                .putObject("error")
                .put("type", "api_error")
                .put("message", "Internal server error");
          }
          case EXPIRED -> result.put("type", "expired");
          case CANCELED -> result.put("type", "canceled");
        }
        lines.add(Json.write(line));
      }
      results = lines;
      return true;
    }

    /**
     * The MessageBatch as it is now, or in the {@code forced} status ({@code in_progress} when just
     * created, {@code canceling} when just cancelled).
     */
    synchronized ObjectNode json(String base, String forced) {
      boolean ended = forced == null && ended();
      ObjectNode b = Json.object().put("id", id).put("type", "message_batch");
      b.put("processing_status", ended ? "ended" : forced != null ? forced : "in_progress");
      ObjectNode counts = b.putObject("request_counts");
      int[] by = new int[Batches.Outcome.values().length];
      if (ended) {
        for (String line : results) {
          String type = Json.parse(line).path("result").path("type").asText();
          by[
              switch (type) {
                case "succeeded" -> Batches.Outcome.SUCCEEDED.ordinal();
                case "errored" -> Batches.Outcome.FAILED.ordinal();
                case "expired" -> Batches.Outcome.EXPIRED.ordinal();
                default -> Batches.Outcome.CANCELED.ordinal();
              }]++;
        }
      }
      counts.put("processing", ended ? 0 : requests.size());
      counts.put("succeeded", by[Batches.Outcome.SUCCEEDED.ordinal()]);
      counts.put("errored", by[Batches.Outcome.FAILED.ordinal()]);
      counts.put("canceled", by[Batches.Outcome.CANCELED.ordinal()]);
      counts.put("expired", by[Batches.Outcome.EXPIRED.ordinal()]);
      if (ended) {
        b.put(
            "ended_at",
            (cancelInitiatedAt != null
                    ? cancelInitiatedAt
                    : createdAt.plusMillis(batches.completionMillis()))
                .toString());
      } else {
        b.putNull("ended_at");
      }
      b.put("created_at", createdAt.toString());
      b.put("expires_at", createdAt.plus(Duration.ofHours(24)).toString());
      b.putNull("archived_at");
      if (cancelInitiatedAt != null) {
        b.put("cancel_initiated_at", cancelInitiatedAt.toString());
      } else {
        b.putNull("cancel_initiated_at");
      }
      if (ended) {
        b.put("results_url", base + "/v1/messages/batches/" + id + "/results");
      } else {
        b.putNull("results_url");
      }
      return b;
    }
  }

  /** {@code POST /v1/messages/batches}. */
  FakeHttpResponse create(FakeHttpRequest request, String unused) {
    String version = request.header("anthropic-version");
    if (version == null) {
      return error(400, "invalid_request_error", "anthropic-version: header is required");
    }
    if (!VERSIONS.contains(version)) {
      return error(
          400,
          "invalid_request_error",
          "anthropic-version: \"" + version + "\" is not a valid version");
    }
    JsonNode body;
    try {
      body = Bodies.object(request, NOT_JSON);
    } catch (ProviderError e) {
      return error(400, "invalid_request_error", e.getMessage());
    }
    JsonNode list = body.get("requests");
    if (list == null || list.isNull()) {
      return invalid("requests: Field required");
    }
    if (!list.isArray()) {
      return invalid("requests: Input should be a valid list");
    }
    if (list.isEmpty()) {
      return invalid("requests: List should have at least 1 item after validation, not 0");
    }
    if (list.size() > MAX_REQUESTS) {
      return invalid(
          "requests: List should have at most "
              + MAX_REQUESTS
              + " items after validation, not "
              + list.size());
    }
    List<String> ids = new ArrayList<>();
    List<ParsedRequest> parsed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "requests." + i;
      JsonNode r = list.get(i);
      JsonNode id = r.get("custom_id");
      if (id == null || id.isNull()) {
        return invalid(at + ".custom_id: Field required");
      }
      if (!id.isTextual() || !CUSTOM_ID.matcher(id.textValue()).matches()) {
        return invalid(at + ".custom_id: String should match pattern '" + CUSTOM_ID + "'");
      }
      if (!seen.add(id.textValue())) {
        return invalid(
            at
                + ".custom_id: Duplicate custom_id '"
                + id.textValue()
                + "': each request in a batch needs a unique custom_id");
      }
      JsonNode params = r.get("params");
      if (params == null || params.isNull()) {
        return invalid(at + ".params: Field required");
      }
      if (!params.isObject()) {
        return invalid(at + ".params: Input should be a valid dictionary");
      }
      if (params.path("stream").asBoolean(false)) {
        return invalid(at + ".params.stream: Streaming is not supported in message batches");
      }
      FakeHttpRequest one =
          new FakeHttpRequest(
              "POST", "/v1/messages", Map.of(), request.headers(), Json.write(params));
      try {
        parsed.add(batches.lines().validate(messages, one, null));
      } catch (ProviderError e) {
        return invalid(
            at
                + ".params"
                + (FIELD.matcher(e.getMessage()).lookingAt() ? "." : ": ")
                + e.getMessage());
      }
      ids.add(id.textValue());
    }
    Job job = new Job(batches.newBatchId("msgbatch_"), List.copyOf(ids), List.copyOf(parsed));
    jobs.put(job.id, job);
    return ok(job.json(base(request), "in_progress"));
  }

  /** A validation message naming a field ({@code model: Field required}). */
  private static final Pattern FIELD = Pattern.compile("[A-Za-z_][\\w.]*: ");

  /** {@code GET /v1/messages/batches/{id}}. */
  FakeHttpResponse retrieve(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    return job == null ? notFound(id) : ok(job.json(base(request), null));
  }

  /** {@code GET /v1/messages/batches/{id}/results}: one JSON line per request, in request order. */
  FakeHttpResponse results(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return notFound(id);
    }
    if (!job.ended()) {
      return error(
          400,
          "invalid_request_error",
          "Message batch " + id + " has not yet ended: results are available once it has.");
    }
    StringBuilder out = new StringBuilder();
    synchronized (job) {
      job.results.forEach(l -> out.append(l).append('\n'));
    }
    return new FakeHttpResponse(200, new LinkedHashMap<>(), out.toString(), "application/x-jsonl");
  }

  /**
   * {@code POST /v1/messages/batches/{id}/cancel}: {@code canceling} when it had not ended (it then
   * ends with every request canceled); an ended batch is returned as it is.
   */
  FakeHttpResponse cancel(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return notFound(id);
    }
    synchronized (job) {
      if (job.ended()) {
        return ok(job.json(base(request), null));
      }
      job.cancelInitiatedAt = Instant.now();
      return ok(job.json(base(request), "canceling"));
    }
  }

  /** The scheme and host the client called, for {@code results_url}. */
  private static String base(FakeHttpRequest request) {
    String host = request.header("host");
    return host == null ? "" : "http://" + host;
  }

  private static FakeHttpResponse ok(ObjectNode body) {
    return FakeHttpResponse.json(200, Json.write(body));
  }

  private static FakeHttpResponse invalid(String message) {
    return error(400, "invalid_request_error", message);
  }

  private static FakeHttpResponse notFound(String id) {
    return error(404, "not_found_error", "Message batch " + id + " not found");
  }

  private static FakeHttpResponse error(int status, String type, String message) {
    ObjectNode body = Json.object().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    return FakeHttpResponse.json(status, Json.write(body));
  }
}
