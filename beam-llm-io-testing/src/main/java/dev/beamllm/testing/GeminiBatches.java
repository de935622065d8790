package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gemini's batch mode with inline requests, kept in memory: {@code POST
 * /v1beta/models/{model}:batchGenerateContent} with {@code {"batch": {"displayName", "inputConfig":
 * {"requests": {"requests": [{"request": {...generateContent body...}, "metadata": {...}}]}}}}}
 * answers a long-running Operation {@code {"name": "batches/...", "metadata": {GenerateContentBatch
 * with "@type"}, "done": false}}; {@code GET /v1beta/batches/{id}} polls it and {@code POST
 * /v1beta/batches/{id}:cancel} cancels it (answering {@code {}}). Each inline request is validated
 * as {@code generateContent} validates its body (a 400 names {@code
 * batch.inputConfig.requests.requests[i].request}), and a successful one's {@code response} is
 * exactly what {@code generateContent} answers. States: {@code BATCH_STATE_PENDING} when created,
 * {@code BATCH_STATE_RUNNING} until it completes, then {@code BATCH_STATE_SUCCEEDED} ({@code
 * BATCH_STATE_EXPIRED} when batches expire); done, the operation has {@code "done": true} and the
 * output both in {@code metadata.output} and in {@code response} ({@code "@type"
 * ...GenerateContentBatchOutput}, {@code "inlinedResponses": {"inlinedResponses": [{"response" |
 * "error", "metadata"}]}}) in request order. A failed request's {@code error} is {@code {"code":
 * 13, "message"}}, an expired one's {@code {"code": 4, "message"}}. A cancelled batch reads {@code
 * BATCH_STATE_CANCELLED}, done, with the operation {@code "error": {"code": 1, "message"}} and no
 * output. Reference: ai.google.dev/api/batch-api, ai.google.dev/gemini-api/docs/batch-mode.
 */
final class GeminiBatches {
  private static final String TYPES = "type.googleapis.com/google.ai.generativelanguage.v1beta.";

  private final Batches batches;
  private final Dialect generate;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  GeminiBatches(Batches batches, Dialect generate) {
    this.batches = batches;
    this.generate = generate;
  }

  /** {@code POST /v1beta/models/{model}:batchGenerateContent}. */
  FakeHttpResponse create(FakeHttpRequest request, String model) {
    JsonNode body;
    try {
      body = Bodies.object(request, "Invalid JSON payload received. Unexpected token.");
    } catch (ProviderError e) {
      return invalid(e.getMessage(), null);
    }
    JsonNode batch = body.get("batch");
    if (batch == null || !batch.isObject()) {
      return invalid("batch: field required", "batch");
    }
    JsonNode input = batch.path("inputConfig");
    if (input.has("fileName")) {
      return invalid(
          "The fake provider batches inline requests only (inputConfig.requests), not files.",
          "batch.input_config.file_name");
    }
    JsonNode list = input.path("requests").path("requests");
    if (!list.isArray() || list.isEmpty()) {
      return invalid(
          "batch.input_config.requests.requests: at least one request is required",
          "batch.input_config.requests.requests");
    }
    List<ParsedRequest> parsed = new ArrayList<>();
    List<JsonNode> metadata = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "batch.input_config.requests.requests[" + i + "].request";
      JsonNode one = list.get(i).get("request");
      if (one == null || !one.isObject()) {
        return invalid(at + ": field required", at);
      }
      FakeHttpRequest sync =
          new FakeHttpRequest(
              "POST",
              "/v1beta/models/" + model + ":generateContent",
              Map.of(),
              request.headers(),
              Json.write(one));
      try {
        parsed.add(batches.lines().validate(generate, sync, model));
      } catch (ProviderError e) {
        if (e.kind == ErrorKind.NOT_FOUND) {
          return generate.error(e);
        }
        return invalid(at + ": " + e.getMessage(), at);
      }
      metadata.add(list.get(i).get("metadata"));
    }
    String id = batches.newBatchId("");
    Job job =
        new Job(
            "batches/" + id,
            "models/" + model,
            batch.path("displayName").asText(""),
            List.copyOf(parsed),
            metadata);
    jobs.put(id, job);
    return ok(job.operation("BATCH_STATE_PENDING"));
  }

  /** {@code GET /v1beta/batches/{id}}: the operation as it is now. */
  FakeHttpResponse retrieve(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    return job == null ? notFound(id) : ok(job.operation(null));
  }

  /** {@code POST /v1beta/batches/{id}:cancel}: {@code {}}; a batch already done stays as it is. */
  FakeHttpResponse cancel(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return notFound(id);
    }
    synchronized (job) {
      if (!job.ended()) {
        job.cancelledAt = Instant.now();
        job.ended();
      }
    }
    return FakeHttpResponse.json(200, "{}");
  }

  /** One batch. */
  private final class Job {
    final String name;
    final String model;
    final String displayName;
    final List<ParsedRequest> requests;
    final List<JsonNode> metadata;
    final Instant createdAt = Instant.now();
    final long readyAtNanos = batches.readyAtNanos();
    Instant cancelledAt;
    ArrayNode responses;
    int succeeded;
    int failed;

    Job(
        String name,
        String model,
        String displayName,
        List<ParsedRequest> requests,
        List<JsonNode> metadata) {
      this.name = name;
      this.model = model;
      this.displayName = displayName;
      this.requests = requests;
      this.metadata = metadata;
    }

    synchronized boolean ended() {
      if (responses != null || cancelledAt != null) {
        return true;
      }
      if (System.nanoTime() - readyAtNanos < 0) {
        return false;
      }
      ArrayNode out = Json.MAPPER.createArrayNode();
      int n = requests.size();
      for (int i = 0; i < n; i++) {
        ObjectNode item = out.addObject();
        switch (batches.outcome(i, n)) {
          case SUCCEEDED -> {
            item.set(
                "response", Json.parse(batches.lines().answer(generate, requests.get(i)).body()));
            succeeded++;
          }
          case FAILED -> {
            item.putObject("error")
                .put("code", 13)
                .put("message", "An internal error has occurred while processing the request.");
            failed++;
          }
          default -> {
            item.putObject("error")
                .put("code", 4)
                .put("message", "The batch expired before the request was processed.");
            failed++;
          }
        }
        if (metadata.get(i) != null) {
          item.set("metadata", metadata.get(i));
        }
      }
      responses = out;
      return true;
    }

    /** The Operation as it is now, or in the {@code forced} state. */
    synchronized ObjectNode operation(String forced) {
      boolean done = forced == null && ended();
      String state =
          forced != null
              ? forced
              : !done
                  ? "BATCH_STATE_RUNNING"
                  : cancelledAt != null
                      ? "BATCH_STATE_CANCELLED"
                      : batches.expires() ? "BATCH_STATE_EXPIRED" : "BATCH_STATE_SUCCEEDED";
      Instant endedAt =
          cancelledAt != null ? cancelledAt : createdAt.plusMillis(batches.completionMillis());
      ObjectNode op = Json.object().put("name", name);
      ObjectNode meta = op.putObject("metadata");
      meta.put("@type", TYPES + "GenerateContentBatch");
      meta.put("model", model).put("name", name).put("displayName", displayName);
      meta.put("createTime", createdAt.toString());
      if (done) {
        meta.put("endTime", endedAt.toString());
      }
      meta.put("updateTime", (done ? endedAt : createdAt).toString());
      int n = requests.size();
      boolean hasOutput = done && responses != null;
      meta.putObject("batchStats")
          .put("requestCount", String.valueOf(n))
          .put("successfulRequestCount", String.valueOf(hasOutput ? succeeded : 0))
          .put("failedRequestCount", String.valueOf(hasOutput ? failed : 0))
          .put("pendingRequestCount", String.valueOf(done ? 0 : n));
      meta.put("state", state);
      if (hasOutput) {
        meta.putObject("output").putObject("inlinedResponses").set("inlinedResponses", responses);
      }
      op.put("done", done);
      if (done && cancelledAt != null) {
        op.putObject("error").put("code", 1).put("message", "The batch was cancelled.");
      } else if (hasOutput) {
        ObjectNode response = op.putObject("response");
        response.put("@type", TYPES + "GenerateContentBatchOutput");
        response.putObject("inlinedResponses").set("inlinedResponses", responses);
      }
      return op;
    }
  }

  private static FakeHttpResponse ok(ObjectNode body) {
    return FakeHttpResponse.json(200, Json.write(body));
  }

  private static FakeHttpResponse invalid(String message, String field) {
    return GeminiErrors.render(
        ErrorKind.BAD_REQUEST, message, field, RateLimitState.UNLIMITED, "batchGenerateContent");
  }

  private static FakeHttpResponse notFound(String id) {
    ObjectNode body = Json.object();
    body.putObject("error")
        .put("code", 404)
        .put("message", "Requested entity was not found: batches/" + id)
        .put("status", "NOT_FOUND");
    return FakeHttpResponse.json(404, Json.write(body));
  }
}
