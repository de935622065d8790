package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.Test;

/** OpenAI's Files and Batch APIs on the fake server. */
public class OpenAiBatchesTest {
  private static final String KEY = "sk-test-123";
  private static final String[] AUTH = {"authorization", "Bearer " + KEY};

  private static String chatBody(String question) {
    return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\""
        + question
        + "\"}]}";
  }

  private static String chatLine(int i) {
    return "{\"custom_id\":\"row-"
        + i
        + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
        + chatBody("question " + i)
        + "}";
  }

  private static String chatFile(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(chatLine(i)).append('\n');
    }
    return b.toString();
  }

  private static FakeProviderServer start(Consumer<FakeProviderServer.Builder> config) {
    FakeProviderServer.Builder b = FakeProviderServer.builder().apiKey(KEY);
    config.accept(b);
    return b.start();
  }

  /** {@code POST /v1/files} as the SDKs send it: multipart with purpose and file. */
  private static Http.Reply upload(FakeProviderServer s, String purpose, String content)
      throws Exception {
    String boundary = "----fakeBoundary7MA4YWxk";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
            + purpose
            + "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch.jsonl\"\r\n"
            + "Content-Type: application/jsonl\r\n\r\n"
            + content
            + "\r\n--"
            + boundary
            + "--\r\n";
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/files"))
            .header("authorization", "Bearer " + KEY)
            .header("content-type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> r = Http.CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    return new Http.Reply(r.statusCode(), r, r.body());
  }

  private static String uploaded(FakeProviderServer s, String content) throws Exception {
    Http.Reply r = upload(s, "batch", content);
    assertEquals(r.body(), 200, r.status());
    return r.json().get("id").asText();
  }

  private static Http.Reply createBatch(FakeProviderServer s, String fileId, String endpoint)
      throws Exception {
    return Http.post(
        s.baseUrl() + "/v1/batches",
        "{\"input_file_id\":\""
            + fileId
            + "\",\"endpoint\":\""
            + endpoint
            + "\",\"completion_window\":\"24h\",\"metadata\":{\"job\":\"t\"}}",
        AUTH);
  }

  private static String batchOf(FakeProviderServer s, String content) throws Exception {
    Http.Reply r = createBatch(s, uploaded(s, content), "/v1/chat/completions");
    assertEquals(r.body(), 200, r.status());
    return r.json().get("id").asText();
  }

  private static JsonNode get(FakeProviderServer s, String id) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/v1/batches/" + id, AUTH);
    assertEquals(r.body(), 200, r.status());
    return r.json();
  }

  private static List<ObjectNode> lines(FakeProviderServer s, String fileId) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/v1/files/" + fileId + "/content", AUTH);
    assertEquals(r.body(), 200, r.status());
    assertTrue(r.body().endsWith("\n"));
    List<ObjectNode> out = new ArrayList<>();
    for (String l : r.body().split("\n")) {
      out.add((ObjectNode) Json.parse(l));
    }
    return out;
  }

  /** A result line with its generated ids checked and replaced by X, for exact comparison. */
  private static String masked(ObjectNode line) {
    assertThat(line.get("id").asText(), startsWith("batch_req_"));
    line.put("id", "X");
    if (line.get("response").isObject()) {
      ObjectNode response = (ObjectNode) line.get("response");
      assertThat(response.get("request_id").asText(), startsWith("req_"));
      response.put("request_id", "X");
      if (response.get("body").has("created")) {
        ((ObjectNode) response.get("body")).put("created", 0);
      }
    }
    return Json.write(line);
  }

  private static String syncChat(FakeProviderServer s, String question) throws Exception {
    ObjectNode sync =
        (ObjectNode)
            Http.post(s.baseUrl() + "/v1/chat/completions", chatBody(question), AUTH).json();
    sync.put("created", 0);
    return Json.write(sync);
  }

  @Test
  public void aBatchCompletesWithTheSynchronousAnswersInItsOutputFile() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      String content = chatFile(2);
      Http.Reply up = upload(s, "batch", content);
      assertEquals(up.body(), 200, up.status());
      JsonNode file = up.json();
      assertThat(file.get("id").asText(), startsWith("file-"));
      assertEquals("file", file.get("object").asText());
      assertEquals(content.getBytes(StandardCharsets.UTF_8).length, file.get("bytes").asLong());
      assertEquals("batch.jsonl", file.get("filename").asText());
      assertEquals("batch", file.get("purpose").asText());
      assertTrue(file.get("created_at").isIntegralNumber());
      String fileId = file.get("id").asText();
      assertEquals(
          content, Http.get(s.baseUrl() + "/v1/files/" + fileId + "/content", AUTH).body());
      assertEquals(
          Json.write(file), Json.write(Http.get(s.baseUrl() + "/v1/files/" + fileId, AUTH).json()));

      Http.Reply created = createBatch(s, fileId, "/v1/chat/completions");
      assertEquals(created.body(), 200, created.status());
      JsonNode b = created.json();
      String id = b.get("id").asText();
      assertThat(id, startsWith("batch_"));
      assertEquals("batch", b.get("object").asText());
      assertEquals("validating", b.get("status").asText());
      assertEquals("/v1/chat/completions", b.get("endpoint").asText());
      assertEquals(fileId, b.get("input_file_id").asText());
      assertEquals("24h", b.get("completion_window").asText());
      assertTrue(b.get("output_file_id").isNull());
      assertTrue(b.get("error_file_id").isNull());
      assertTrue(b.get("in_progress_at").isNull());
      assertEquals(b.get("created_at").asLong() + 86400, b.get("expires_at").asLong());
      assertEquals(
          "{\"total\":2,\"completed\":0,\"failed\":0}", Json.write(b.get("request_counts")));
      assertEquals("{\"job\":\"t\"}", Json.write(b.get("metadata")));
      assertEquals(1, s.batchesCreated());

      JsonNode done = get(s, id);
      assertEquals("completed", done.get("status").asText());
      assertEquals(
          "{\"total\":2,\"completed\":2,\"failed\":0}", Json.write(done.get("request_counts")));
      assertTrue(done.get("completed_at").isIntegralNumber());
      assertTrue(done.get("error_file_id").isNull());
      String outputId = done.get("output_file_id").asText();
      JsonNode outputFile = Http.get(s.baseUrl() + "/v1/files/" + outputId, AUTH).json();
      assertEquals("batch_output", outputFile.get("purpose").asText());
      List<ObjectNode> out = lines(s, outputId);
      assertEquals(2, out.size());
      for (int i = 0; i < 2; i++) {
        assertEquals(
            "{\"id\":\"X\",\"custom_id\":\"row-"
                + i
                + "\",\"response\":{\"status_code\":200,\"request_id\":\"X\",\"body\":"
                + syncChat(s, "question " + i)
                + "},\"error\":null}",
            masked(out.get(i)));
      }
      assertEquals(1, s.batchesCreated());
    }
  }

  @Test
  public void responsesBatchesAnswerAsTheResponsesApi() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      String body = "{\"model\":\"gpt-4o-mini\",\"input\":\"hello there\"}";
      String fileId =
          uploaded(
              s,
              "{\"custom_id\":\"r1\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                  + body
                  + "}\n");
      Http.Reply created = createBatch(s, fileId, "/v1/responses");
      assertEquals(created.body(), 200, created.status());
      JsonNode done = get(s, created.json().get("id").asText());
      ObjectNode line = lines(s, done.get("output_file_id").asText()).get(0);
      ObjectNode sync = (ObjectNode) Http.post(s.baseUrl() + "/v1/responses", body, AUTH).json();
      ObjectNode got = (ObjectNode) line.at("/response/body");
      got.put("created_at", 0);
      sync.put("created_at", 0);
      assertEquals(Json.write(sync), Json.write(got));
      assertEquals("response", got.get("object").asText());
    }
  }

  @Test
  public void aBatchIsInProgressUntilItsCompletionDelay() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMillis(700)))) {
      String id = batchOf(s, chatFile(1));
      JsonNode running = get(s, id);
      assertEquals("in_progress", running.get("status").asText());
      assertEquals(running.get("created_at").asLong(), running.get("in_progress_at").asLong());
      assertTrue(running.get("output_file_id").isNull());
      Thread.sleep(800);
      assertEquals("completed", get(s, id).get("status").asText());
    }
  }

  @Test
  public void everyNthRequestFailsIntoTheErrorFile() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchFailEvery(2))) {
      String id = batchOf(s, chatFile(3));
      JsonNode done = get(s, id);
      assertEquals("completed", done.get("status").asText());
      assertEquals(
          "{\"total\":3,\"completed\":2,\"failed\":1}", Json.write(done.get("request_counts")));
      List<ObjectNode> out = lines(s, done.get("output_file_id").asText());
      assertEquals(2, out.size());
      assertEquals("row-0", out.get(0).get("custom_id").asText());
      assertEquals("row-2", out.get(1).get("custom_id").asText());
      List<ObjectNode> errors = lines(s, done.get("error_file_id").asText());
      assertEquals(1, errors.size());
      assertEquals(
          "{\"id\":\"X\",\"custom_id\":\"row-1\",\"response\":{\"status_code\":500,\"request_id\":\"X\","
              + "\"body\":{\"error\":{\"message\":\"The server had an error while processing your"
              + " request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}},"
              + "\"error\":null}",
          masked(errors.get(0)));
    }
  }

  @Test
  public void anExpiredBatchKeepsItsFirstHalf() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchExpire(true))) {
      String id = batchOf(s, chatFile(4));
      JsonNode done = get(s, id);
      assertEquals("expired", done.get("status").asText());
      assertTrue(done.get("expired_at").isIntegralNumber());
      assertTrue(done.get("completed_at").isNull());
      assertEquals(
          "{\"total\":4,\"completed\":2,\"failed\":2}", Json.write(done.get("request_counts")));
      assertEquals(2, lines(s, done.get("output_file_id").asText()).size());
      List<ObjectNode> errors = lines(s, done.get("error_file_id").asText());
      assertEquals(
          "{\"id\":\"X\",\"custom_id\":\"row-2\",\"response\":null,\"error\":{\"code\":\"batch_expired\","
              + "\"message\":\"This request could not be executed before the completion window"
              + " expired.\"}}",
          masked(errors.get(0)));
      assertEquals("row-3", errors.get(1).get("custom_id").asText());
    }
  }

  @Test
  public void aCancelledBatchExecutesNothing() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMinutes(5)))) {
      String id = batchOf(s, chatFile(2));
      Http.Reply cancel = Http.post(s.baseUrl() + "/v1/batches/" + id + "/cancel", "", AUTH);
      assertEquals(cancel.body(), 200, cancel.status());
      assertEquals("cancelling", cancel.json().get("status").asText());
      assertTrue(cancel.json().get("cancelling_at").isIntegralNumber());
      JsonNode done = get(s, id);
      assertEquals("cancelled", done.get("status").asText());
      assertEquals(done.get("cancelling_at").asLong(), done.get("cancelled_at").asLong());
      assertTrue(done.get("output_file_id").isNull());
      assertEquals(
          "{\"total\":2,\"completed\":0,\"failed\":2}", Json.write(done.get("request_counts")));
      assertEquals(
          "{\"id\":\"X\",\"custom_id\":\"row-0\",\"response\":null,\"error\":{\"code\":\"batch_cancelled\","
              + "\"message\":\"This request was not executed because the batch was cancelled.\"}}",
          masked(lines(s, done.get("error_file_id").asText()).get(0)));
      assertEquals(0, s.stats().accepted());
      Http.Reply again = Http.post(s.baseUrl() + "/v1/batches/" + id + "/cancel", "", AUTH);
      assertEquals("cancelled", again.json().get("status").asText());
    }
  }

  @Test
  public void invalidFilesAndBatchesAreRefused() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      String good = chatLine(0);
      assertEquals(
          "Line 2: the custom_id 'row-0' is a duplicate of another request's. The custom_id"
              + " parameter must be unique for each request in a batch.",
          uploadRefusal(s, good + "\n" + good + "\n"));
      assertEquals(
          "Line 1: 'method' must be 'POST'.",
          uploadRefusal(s, good.replace("\"POST\"", "\"GET\"")));
      assertEquals(
          "Line 1: 'url' must be '/v1/chat/completions' or '/v1/responses', got \"/v1/embeddings\"",
          uploadRefusal(s, good.replace("/v1/chat/completions", "/v1/embeddings")));
      assertEquals(
          "Line 1: body: 'messages' is a required property",
          uploadRefusal(s, good.replace("\"messages\"", "\"msgs\"")));
      assertEquals(
          "Line 1: body: 'stream' is not supported in a batch.",
          uploadRefusal(s, good.replace("{\"model\"", "{\"stream\":true,\"model\"")));
      assertEquals("Line 1: not a JSON object.", uploadRefusal(s, "{oops\n"));
      assertEquals("The batch file has no requests.", uploadRefusal(s, "\n"));
      Http.Reply purpose = upload(s, "fine-tune", good);
      assertEquals(400, purpose.status());
      assertEquals("purpose", purpose.json().at("/error/param").asText());

      String fileId = uploaded(s, good + "\n");
      Http.Reply missing = createBatch(s, "file-nope", "/v1/chat/completions");
      assertEquals(404, missing.status());
      assertEquals("No such File object: file-nope", missing.json().at("/error/message").asText());
      Http.Reply mismatch = createBatch(s, fileId, "/v1/responses");
      assertEquals(400, mismatch.status());
      assertEquals(
          "Request 1 ('row-0') has url '/v1/chat/completions', not the batch's endpoint"
              + " '/v1/responses'.",
          mismatch.json().at("/error/message").asText());
      Http.Reply window =
          Http.post(
              s.baseUrl() + "/v1/batches",
              "{\"input_file_id\":\""
                  + fileId
                  + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"48h\"}",
              AUTH);
      assertEquals(400, window.status());
      assertEquals("completion_window", window.json().at("/error/param").asText());
      Http.Reply noKey =
          Http.post(
              s.baseUrl() + "/v1/batches",
              "{\"input_file_id\":\""
                  + fileId
                  + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
      assertEquals(401, noKey.status());
      assertEquals(404, Http.get(s.baseUrl() + "/v1/batches/batch_nope", AUTH).status());
      assertEquals(0, s.batchesCreated());
    }
  }

  private static String uploadRefusal(FakeProviderServer s, String content) throws Exception {
    Http.Reply r = upload(s, "batch", content);
    assertEquals(r.body(), 400, r.status());
    assertEquals("invalid_request_error", r.json().at("/error/type").asText());
    return r.json().at("/error/message").asText();
  }
}
