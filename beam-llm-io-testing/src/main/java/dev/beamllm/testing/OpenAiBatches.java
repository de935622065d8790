package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenAI's Files and Batch APIs, kept in memory: {@code POST /v1/files} (multipart, {@code
 * purpose=batch}), {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content}, {@code POST
 * /v1/batches}, {@code GET /v1/batches/{id}} and {@code POST /v1/batches/{id}/cancel}.
 *
 * <p>An uploaded batch file is validated line by line when it is uploaded (a 400 names the line):
 * JSON objects {@code {"custom_id", "method": "POST", "url", "body"}} with unique custom_ids,
 * {@code url} {@code /v1/chat/completions} or {@code /v1/responses}, and a body the synchronous
 * endpoint accepts (not streamed, not in the background). A batch reads {@code validating} when
 * created, {@code in_progress} until {@link Batches} says it completed, then {@code completed} (or
 * {@code expired} when batches expire); a cancel before that answers {@code cancelling} and the
 * batch then reads {@code cancelled}. On its end it gets an output file with a line per answered
 * request, {@code {"id": "batch_req_...", "custom_id", "response": {"status_code": 200,
 * "request_id", "body"}, "error": null}} with exactly the synchronous endpoint's body, and an error
 * file with the others: a failed request's {@code response} carries status 500 and OpenAI's error
 * body; an expired or cancelled one has {@code "response": null} and {@code "error": {"code":
 * "batch_expired"|"batch_cancelled", "message"}}. Each file exists only when it has a line; {@code
 * request_counts.failed} counts the error file's lines. Shapes: openai-python's {@code Batch},
 * {@code FileObject}; reference: platform.openai.com/docs/api-reference/batch, /docs/guides/batch.
 */
final class OpenAiBatches {
  static final int MAX_REQUESTS = 50_000;
  static final String CHAT = "/v1/chat/completions";
  static final String RESPONSES = "/v1/responses";

  private final Batches batches;
  private final Map<String, Dialect> endpoints;
  private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  OpenAiBatches(Batches batches, Dialect chat, Dialect responses) {
    this.batches = batches;
    this.endpoints = Map.of(CHAT, chat, RESPONSES, responses);
  }

  /** A request line of an uploaded batch file. */
  private record Line(String customId, String url, ParsedRequest request) {}

  /** A file: its object and content, and for an input file its validated lines. */
  private record StoredFile(ObjectNode object, String content, List<Line> lines) {}

  /** {@code POST /v1/files}: a multipart upload. */
  FakeHttpResponse upload(FakeHttpRequest request, String unused) {
    Multipart form = Multipart.of(request);
    if (form == null) {
      return invalid("Expected a multipart/form-data body with 'purpose' and 'file'.", null);
    }
    String purpose = form.field("purpose");
    Multipart.Part file = form.part("file");
    String filename = file == null ? null : file.filename();
    String content = file == null ? null : file.text();
    if (purpose == null) {
      return invalid("Missing required parameter: 'purpose'.", "purpose");
    }
    if (content == null) {
      return invalid("Missing required parameter: 'file'.", "file");
    }
    if (!"batch".equals(purpose)) {
      return invalid(
          "Invalid value for 'purpose': the fake provider takes only 'batch' files.", "purpose");
    }
    List<Line> lines = new ArrayList<>();
    FakeHttpResponse problem = readLines(content, lines);
    if (problem != null) {
      return problem;
    }
    String id = batches.newId("file-");
    ObjectNode object =
        fileObject(
            id,
            content.getBytes(StandardCharsets.UTF_8).length,
            filename == null ? "upload.jsonl" : filename,
            "batch");
    files.put(id, new StoredFile(object, content, List.copyOf(lines)));
    return ok(object);
  }

  /** Reads and validates a batch file's lines; a 400 naming the first bad line, or null. */
  private FakeHttpResponse readLines(String content, List<Line> out) {
    Set<String> ids = new HashSet<>();
    String[] raw = content.split("\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String text = raw[i].strip();
      if (text.isEmpty()) {
        continue;
      }
      String at = "Line " + (i + 1) + ": ";
      if (out.size() == MAX_REQUESTS) {
        return invalid("A batch file may hold at most " + MAX_REQUESTS + " requests.", "file");
      }
      JsonNode line;
      try {
        line = Json.parse(text);
      } catch (InvalidPromptException e) {
        line = null;
      }
      if (line == null || !line.isObject()) {
        return invalid(at + "not a JSON object.", "file");
      }
      JsonNode id = line.get("custom_id");
      if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
        return invalid(at + "'custom_id' must be a non-empty string.", "file");
      }
      if (!ids.add(id.textValue())) {
        return invalid(
            at
                + "the custom_id '"
                + id.textValue()
                + "' is a duplicate of another request's. The custom_id parameter must be unique"
                + " for each request in a batch.",
            "file");
      }
      if (!"POST".equals(line.path("method").asText(null))) {
        return invalid(at + "'method' must be 'POST'.", "file");
      }
      String url = line.path("url").asText(null);
      Dialect dialect = url == null ? null : endpoints.get(url);
      if (dialect == null) {
        return invalid(
            at + "'url' must be '" + CHAT + "' or '" + RESPONSES + "', got " + line.get("url"),
            "file");
      }
      JsonNode body = line.get("body");
      if (body == null || !body.isObject()) {
        return invalid(at + "'body' must be a JSON object.", "file");
      }
      if (body.path("stream").asBoolean(false)) {
        return invalid(at + "body: 'stream' is not supported in a batch.", "file");
      }
      if (body.path("background").asBoolean(false)) {
        return invalid(at + "body: 'background' is not supported in a batch.", "file");
      }
      FakeHttpRequest one = new FakeHttpRequest("POST", url, Map.of(), Map.of(), Json.write(body));
      try {
        out.add(new Line(id.textValue(), url, batches.lines().validate(dialect, one, null)));
      } catch (ProviderError e) {
        return invalid(at + "body: " + e.getMessage(), "file");
      }
    }
    if (out.isEmpty()) {
      return invalid("The batch file has no requests.", "file");
    }
    return null;
  }

  /** {@code GET /v1/files/{id}}. */
  FakeHttpResponse file(FakeHttpRequest request, String id) {
    StoredFile f = files.get(id);
    return f == null ? noFile(id) : ok(f.object);
  }

  /** {@code GET /v1/files/{id}/content}: the file's bytes. */
  FakeHttpResponse content(FakeHttpRequest request, String id) {
    StoredFile f = files.get(id);
    return f == null
        ? noFile(id)
        : new FakeHttpResponse(200, new LinkedHashMap<>(), f.content, "application/octet-stream");
  }

  /** {@code POST /v1/batches}. */
  FakeHttpResponse create(FakeHttpRequest request, String unused) {
    ObjectNode body;
    try {
      body = Bodies.object(request, OpenAiChatDialect.NOT_JSON);
    } catch (ProviderError e) {
      return invalid(e.getMessage(), null);
    }
    for (String field : new String[] {"input_file_id", "endpoint", "completion_window"}) {
      if (!body.path(field).isTextual()) {
        return invalid("Missing required parameter: '" + field + "'.", field);
      }
    }
    String endpoint = body.get("endpoint").textValue();
    if (!endpoints.containsKey(endpoint)) {
      return invalid(
          "Invalid value for 'endpoint': the fake provider batches '"
              + CHAT
              + "' and '"
              + RESPONSES
              + "', got '"
              + endpoint
              + "'.",
          "endpoint");
    }
    if (!"24h".equals(body.get("completion_window").textValue())) {
      return invalid(
          "Invalid value for 'completion_window': supported values are: '24h'.",
          "completion_window");
    }
    JsonNode metadata = body.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      return invalid("Invalid type for 'metadata': expected an object.", "metadata");
    }
    String inputId = body.get("input_file_id").textValue();
    StoredFile input = files.get(inputId);
    if (input == null) {
      return noFile(inputId);
    }
    if (input.lines == null) {
      return invalid(
          "Invalid 'input_file_id': '" + inputId + "' is not a file with purpose 'batch'.",
          "input_file_id");
    }
    for (int i = 0; i < input.lines.size(); i++) {
      Line l = input.lines.get(i);
      if (!l.url.equals(endpoint)) {
        return invalid(
            "Request "
                + (i + 1)
                + " ('"
                + l.customId
                + "') has url '"
                + l.url
                + "', not the batch's endpoint '"
                + endpoint
                + "'.",
            "endpoint");
      }
    }
    Job job =
        new Job(
            batches.newBatchId("batch_"),
            endpoint,
            inputId,
            input.lines,
            metadata == null || metadata.isNull() ? null : (ObjectNode) metadata);
    jobs.put(job.id, job);
    return ok(job.json("validating"));
  }

  /** {@code GET /v1/batches/{id}}. */
  FakeHttpResponse retrieve(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    return job == null ? noBatch(id) : ok(job.json(null));
  }

  /**
   * {@code POST /v1/batches/{id}/cancel}: {@code cancelling} when it had not ended (it then reads
   * {@code cancelled}); an ended batch is returned as it is.
   */
  FakeHttpResponse cancel(FakeHttpRequest request, String id) {
    Job job = jobs.get(id);
    if (job == null) {
      return noBatch(id);
    }
    synchronized (job) {
      if (job.ended()) {
        return ok(job.json(null));
      }
      job.cancellingAt = Bodies.now();
      return ok(job.json("cancelling"));
    }
  }

  /** One batch. */
  private final class Job {
    final String id;
    final String endpoint;
    final String inputFileId;
    final List<Line> lines;
    final ObjectNode metadata;
    final long createdAt = Bodies.now();
    final long readyAtNanos = batches.readyAtNanos();
    Long cancellingAt;
    boolean ended;
    String outputFileId;
    String errorFileId;
    int completed;
    int failed;

    Job(String id, String endpoint, String inputFileId, List<Line> lines, ObjectNode metadata) {
      this.id = id;
      this.endpoint = endpoint;
      this.inputFileId = inputFileId;
      this.lines = lines;
      this.metadata = metadata;
    }

    /** Ends it if its time has come, answering its requests and writing its files once. */
    synchronized boolean ended() {
      if (ended) {
        return true;
      }
      if (cancellingAt == null && System.nanoTime() - readyAtNanos < 0) {
        return false;
      }
      StringBuilder output = new StringBuilder();
      StringBuilder errors = new StringBuilder();
      int n = lines.size();
      for (int i = 0; i < n; i++) {
        Line l = lines.get(i);
        Batches.Outcome outcome =
            cancellingAt != null ? Batches.Outcome.CANCELED : batches.outcome(i, n);
        ObjectNode out =
            Json.object().put("id", batches.newId("batch_req_")).put("custom_id", l.customId);
        switch (outcome) {
          case SUCCEEDED -> {
            FakeHttpResponse r = batches.lines().answer(endpoints.get(l.url), l.request);
            response(out, 200, Json.parse(r.body()));
            out.putNull("error");
            output.append(Json.write(out)).append('\n');
            completed++;
          }
          case FAILED -> {
            FakeHttpResponse r =
                OpenAiChatDialect.openAiError(
                    ErrorKind.SERVER_ERROR,
                    "The server had an error while processing your request. Sorry about that!",
                    null,
                    RateLimitState.UNLIMITED);
            response(out, r.status(), Json.parse(r.body()));
            out.putNull("error");
            errors.append(Json.write(out)).append('\n');
            failed++;
          }
          case EXPIRED, CANCELED -> {
            out.putNull("response");
            out.putObject("error")
                .put(
                    "code",
                    outcome == Batches.Outcome.EXPIRED ? "batch_expired" : "batch_cancelled")
                .put(
                    "message",
                    outcome == Batches.Outcome.EXPIRED
                        ? "This request could not be executed before the completion window expired."
                        : "This request was not executed because the batch was cancelled.");
            errors.append(Json.write(out)).append('\n');
            failed++;
          }
        }
      }
      outputFileId = output.length() == 0 ? null : store(output.toString(), "output");
      errorFileId = errors.length() == 0 ? null : store(errors.toString(), "error");
      ended = true;
      return true;
    }

    private void response(ObjectNode out, int status, JsonNode body) {
      out.putObject("response")
          .put("status_code", status)
          .put("request_id", batches.newId("req_"))
          .set("body", body);
    }

    private String store(String content, String kind) {
      String fileId = batches.newId("file-");
      files.put(
          fileId,
          new StoredFile(
              fileObject(
                  fileId,
                  content.getBytes(StandardCharsets.UTF_8).length,
                  id + "_" + kind + ".jsonl",
                  "batch_output"),
              content,
              null));
      return fileId;
    }

    /** The Batch object as it is now, or in the {@code forced} status. */
    synchronized ObjectNode json(String forced) {
      boolean done = forced == null && ended();
      long endedAt =
          cancellingAt != null ? cancellingAt : createdAt + batches.completionMillis() / 1000;
      String status =
          forced != null
              ? forced
              : !done
                  ? "in_progress"
                  : cancellingAt != null
                      ? "cancelled"
                      : batches.expires() ? "expired" : "completed";
      ObjectNode b = Json.object().put("id", id).put("object", "batch");
      b.put("endpoint", endpoint);
      b.putNull("errors");
      b.put("input_file_id", inputFileId);
      b.put("completion_window", "24h");
      b.put("status", status);
      putOrNull(b, "output_file_id", done ? outputFileId : null);
      putOrNull(b, "error_file_id", done ? errorFileId : null);
      b.put("created_at", createdAt);
      putOrNull(b, "in_progress_at", "validating".equals(status) ? null : createdAt);
      b.put("expires_at", createdAt + 24 * 3600);
      boolean completedNormally = "completed".equals(status);
      putOrNull(b, "finalizing_at", completedNormally ? endedAt : null);
      putOrNull(b, "completed_at", completedNormally ? endedAt : null);
      b.putNull("failed_at");
      putOrNull(b, "expired_at", "expired".equals(status) ? endedAt : null);
      putOrNull(b, "cancelling_at", cancellingAt);
      putOrNull(b, "cancelled_at", "cancelled".equals(status) ? endedAt : null);
      b.putObject("request_counts")
          .put("total", lines.size())
          .put("completed", done ? completed : 0)
          .put("failed", done ? failed : 0);
      if (metadata == null) {
        b.putNull("metadata");
      } else {
        b.set("metadata", metadata);
      }
      return b;
    }
  }

  private static void putOrNull(ObjectNode o, String field, Object value) {
    if (value == null) {
      o.putNull(field);
    } else if (value instanceof Long l) {
      o.put(field, l);
    } else {
      o.put(field, value.toString());
    }
  }

  private static ObjectNode fileObject(String id, long bytes, String filename, String purpose) {
    return Json.object()
        .put("id", id)
        .put("object", "file")
        .put("bytes", bytes)
        .put("created_at", Bodies.now())
        .put("filename", filename)
        .put("purpose", purpose)
        .put("status", "processed")
        .putNull("status_details");
  }

  private static FakeHttpResponse ok(ObjectNode body) {
    return FakeHttpResponse.json(200, Json.write(body));
  }

  private static FakeHttpResponse invalid(String message, String param) {
    return OpenAiChatDialect.openAiError(
        ErrorKind.BAD_REQUEST, message, param, RateLimitState.UNLIMITED);
  }

  private static FakeHttpResponse noFile(String id) {
    return notFound("No such File object: " + id, "id");
  }

  private static FakeHttpResponse noBatch(String id) {
    return notFound("No batch found with id '" + id + "'.", null);
  }

  private static FakeHttpResponse notFound(String message, String param) {
    ObjectNode body = Json.object();
    ObjectNode e = body.putObject("error");
    e.put("message", message).put("type", "invalid_request_error");
    if (param == null) {
      e.putNull("param");
    } else {
      e.put("param", param);
    }
    e.putNull("code");
    return FakeHttpResponse.json(404, Json.write(body));
  }
}
