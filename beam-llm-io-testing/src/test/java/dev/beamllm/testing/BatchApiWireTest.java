package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.BatchApi.Outcome;
import dev.beamllm.provider.BatchApi.Status;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.anthropic.AnthropicAdapter;
import dev.beamllm.provider.gemini.GeminiAdapter;
import dev.beamllm.provider.openai.OpenAiChatAdapter;
import dev.beamllm.provider.openai.OpenAiResponsesAdapter;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/**
 * The adapters' {@link BatchApi} calls, sent as they are built over real HTTP to the fake provider,
 * which implements each provider's batch API: items, upload (OpenAI), create, poll, cancel, the
 * result calls and the results read back into the answers the synchronous endpoint gives.
 */
public class BatchApiWireTest {
  private static final String KEY = "sk-batch-test";
  private static final int N = 5;
  private static final Duration POLL_LIMIT = Duration.ofSeconds(20);

  /** One provider's batch API with its adapter and the model it is tried with. */
  private record Api(String name, BatchApi batch, ProviderAdapter adapter, String model) {}

  private static final AnthropicAdapter ANTHROPIC = new AnthropicAdapter();
  private static final OpenAiChatAdapter CHAT = new OpenAiChatAdapter();
  private static final OpenAiResponsesAdapter RESPONSES = new OpenAiResponsesAdapter();
  private static final GeminiAdapter GEMINI = new GeminiAdapter();

  private static final List<Api> APIS =
      List.of(
          new Api("anthropic", ANTHROPIC, ANTHROPIC, "claude-3.5-haiku"),
          new Api("openai-chat", CHAT, CHAT, "gpt-4.1-mini"),
          new Api("openai-responses", RESPONSES.batchApi(), RESPONSES, "gpt-4.1-mini"),
          new Api("gemini", GEMINI, GEMINI, "gemini-2.5-flash"));

  /** What a batch run gave: the calls' answers and the results. */
  private record Run(
      List<ProviderRequest> requests,
      List<String> ids,
      Status created,
      Status ended,
      Map<String, Outcome> results) {}

  private static ModelSpec model(FakeProviderServer fake, Api api) {
    ModelSpec spec = fake.pointRegistry(ModelRegistry.defaults()).lookup(api.model);
    // The Responses API is tried with a model of the chat registry entry, on its own endpoint.
    return api.adapter == RESPONSES
        ? spec.toBuilder().setWireFormat(WireFormat.OPENAI_RESPONSES).build()
        : spec;
  }

  private static List<ProviderRequest> requests(FakeProviderServer fake, Api api) {
    ModelSpec spec = model(fake, api);
    List<ProviderRequest> out = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      out.add(
          new ProviderRequest(
              spec,
              Conversation.system("Be terse.").addUser("Question number " + i + "?"),
              SamplingParams.builder().maxNewTokens(100).build(),
              List.of(),
              Credentials.apiKey(KEY),
              Map.of("x-team", "batch"),
              null,
              false));
    }
    return out;
  }

  /** Sends a call exactly as built (method, URL, headers, body). */
  private static HttpAnswer send(HttpCall call) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.uri())
            .timeout(Duration.ofSeconds(20))
            .method(
                call.method(),
                call.body().isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    HttpResponse<String> r = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> headers = new TreeMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new HttpAnswer(r.statusCode(), headers, r.body());
  }

  private static HttpAnswer sendOk(String what, HttpCall call) throws Exception {
    HttpAnswer a = send(call);
    assertTrue(what + " " + call + ": " + a.status() + " " + a.body(), a.ok());
    return a;
  }

  /** Items, upload, create, (cancel), poll until ended, result calls, results. */
  private static Run run(FakeProviderServer fake, Api api, boolean cancel) throws Exception {
    BatchApi batch = api.batch;
    List<ProviderRequest> requests = requests(fake, api);
    ProviderRequest first = requests.get(0);
    assertTrue(api.name + " batches " + first.model().id(), batch.batches(first.model()));
    List<String> ids = new ArrayList<>();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ids.add("req-" + i);
      items.add(batch.item("req-" + i, requests.get(i)));
    }
    HttpCall upload = batch.upload(first, items);
    String uploaded = null;
    if (upload != null) {
      uploaded = batch.uploadedId(sendOk("upload", upload));
      assertNotNull(uploaded);
    }
    Status created = batch.status(sendOk("create", batch.create(first, items, uploaded)));
    assertTrue(api.name + " is running when created", created.running());
    if (cancel) {
      sendOk("cancel", batch.cancel(first, created.id()));
    }
    long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
    HttpAnswer last;
    Status status;
    do {
      last = sendOk("poll", batch.poll(first, created.id()));
      status = batch.status(last);
      assertEquals(created.id(), status.id());
      if (status.running()) {
        assertTrue(api.name + " ends in time", System.nanoTime() < deadline);
        Thread.sleep(20);
      }
    } while (status.running());
    List<HttpAnswer> fetched = new ArrayList<>();
    for (HttpCall c : batch.resultCalls(first, status)) {
      fetched.add(sendOk("results", c));
    }
    return new Run(requests, ids, created, status, batch.results(last, fetched));
  }

  /** The text the synchronous endpoint answers for a request, read by the adapter. */
  private static String syncText(Api api, ProviderRequest r) throws Exception {
    HttpAnswer a = sendOk("synchronous request", api.adapter.request(r));
    return api.adapter.parse(r, a).message().text();
  }

  @Test
  public void everyRequestIsAnsweredAsTheSynchronousEndpointAnswersIt() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      for (Api api : APIS) {
        Run run = run(fake, api, false);
        assertNull(api.name, run.ended.failure());
        assertEquals(api.name + " outcomes", N, run.results.size());
        for (int i = 0; i < N; i++) {
          ProviderRequest r = run.requests.get(i);
          Outcome o = run.results.get(run.ids.get(i));
          assertNotNull(api.name + " request " + i, o);
          assertNotNull(api.name + " request " + i + " answered", o.answer());
          assertNull(o.why());
          assertEquals(200, o.answer().status());
          String text = api.adapter.parse(r, o.answer()).message().text();
          assertTrue(api.name + ": " + text, text.contains("Question number " + i));
          assertEquals(api.name + " request " + i, syncText(api, r), text);
        }
      }
    }
  }

  @Test
  public void theBatchTakesAWhileAndIsPolledUntilItEnds() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).batchCompletion(Duration.ofMillis(300)).start()) {
      for (Api api : APIS) {
        long start = System.nanoTime();
        Run run = run(fake, api, false);
        assertTrue(
            api.name + " waited for the completion",
            System.nanoTime() - start >= Duration.ofMillis(250).toNanos());
        assertEquals(api.name, N, run.results.size());
        run.results.values().forEach(o -> assertNotNull(api.name, o.answer()));
      }
    }
  }

  @Test
  public void failedRequestsAreRetryableServerErrors() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).batchFailEvery(2).start()) {
      for (Api api : APIS) {
        Run run = run(fake, api, false);
        assertEquals(api.name, N, run.results.size());
        for (int i = 0; i < N; i++) {
          Outcome o = run.results.get(run.ids.get(i));
          assertNotNull(api.name + " request " + i + " has an answer", o.answer());
          if ((i + 1) % 2 == 0) {
            assertFalse(api.name + " request " + i + " failed", o.answer().ok());
            ApiError e = api.adapter.error(o.answer());
            assertEquals(api.name + " " + e, ErrorKind.SERVER, e.kind());
            assertTrue(api.name + " " + e, e.retryable());
          } else {
            assertEquals(api.name + " request " + i, 200, o.answer().status());
          }
        }
      }
    }
  }

  @Test
  public void expiredRequestsAreNotAnswered() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).batchExpire(true).start()) {
      for (Api api : APIS) {
        Run run = run(fake, api, false);
        assertNull(api.name, run.ended.failure());
        for (int i = 0; i < N; i++) {
          Outcome o = run.results.get(run.ids.get(i));
          assertNotNull(api.name + " request " + i, o);
          if (i >= N / 2) {
            assertNull(api.name + " request " + i + " expired", o.answer());
            assertTrue(api.name + ": " + o.why(), o.why().contains("expired"));
          } else {
            assertEquals(api.name + " request " + i, 200, o.answer().status());
          }
        }
      }
    }
  }

  @Test
  public void aBatchCancelledBeforeItEndsAnswersNothing() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).batchCompletion(Duration.ofMinutes(5)).start()) {
      for (Api api : APIS) {
        Run run = run(fake, api, true);
        assertNull(api.name, run.ended.failure());
        for (String id : run.ids) {
          Outcome o = run.results.get(id);
          assertTrue(api.name + " " + id + ": " + o, o == null || o.answer() == null);
          if (o != null) {
            assertTrue(api.name + ": " + o.why(), o.why().contains("cancel"));
          }
        }
      }
    }
  }

  @Test
  public void callsCarryTheRequestsKeyAndExtraHeaders() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      for (Api api : APIS) {
        ProviderRequest r = requests(fake, api).get(0);
        HttpCall sync = api.adapter.request(r);
        List<HttpCall> calls = new ArrayList<>();
        calls.add(api.batch.create(r, List.of(api.batch.item("a", r)), "file-x"));
        calls.add(api.batch.poll(r, "batch_x"));
        calls.add(api.batch.cancel(r, "batch_x"));
        HttpCall upload = api.batch.upload(r, List.of(api.batch.item("a", r)));
        if (upload != null) {
          calls.add(upload);
          assertTrue(
              upload.headers().get("content-type"),
              upload.headers().get("content-type").startsWith("multipart/form-data; boundary="));
        }
        for (HttpCall c : calls) {
          for (Map.Entry<String, String> h : sync.headers().entrySet()) {
            if (!h.getKey().equals("content-type")) {
              assertEquals(
                  api.name + " " + c + " " + h.getKey(), h.getValue(), c.headers().get(h.getKey()));
            }
          }
          assertEquals(sync.uri().getHost(), c.uri().getHost());
          assertEquals(sync.uri().getPort(), c.uri().getPort());
        }
      }
    }
  }

  @Test
  public void aStreamedRequestBecomesAnUnstreamedItem() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      for (Api api : APIS) {
        ProviderRequest r = requests(fake, api).get(0);
        ProviderRequest streamed =
            new ProviderRequest(
                r.model(),
                r.conversation(),
                r.params(),
                r.tools(),
                r.credentials(),
                r.extraHeaders(),
                r.serviceTier(),
                true);
        assertEquals(api.name, api.batch.item("a", r), api.batch.item("a", streamed));
        assertFalse(api.name, api.batch.item("a", r).contains("\"stream\""));
      }
    }
  }

  @Test
  public void batchesOnlyOnTheProvidersOwnApis() {
    ModelRegistry registry = ModelRegistry.defaults();
    for (ModelSpec m : registry.models()) {
      String p = m.provider();
      WireFormat f = m.wireFormat();
      assertEquals(
          m.id(), p.equals("anthropic") && f == WireFormat.ANTHROPIC, ANTHROPIC.batches(m));
      assertEquals(m.id(), p.equals("openai") && f == WireFormat.OPENAI, CHAT.batches(m));
      assertEquals(
          m.id(),
          p.equals("openai") && f == WireFormat.OPENAI_RESPONSES,
          RESPONSES.batchApi().batches(m));
      assertEquals(m.id(), p.equals("google") && f == WireFormat.GEMINI, GEMINI.batches(m));
    }
    assertFalse(
        "Azure",
        CHAT.batches(
            registry.models().stream()
                .filter(m -> m.provider().equals("azure"))
                .findFirst()
                .orElseThrow()));
    assertFalse(
        "Groq",
        CHAT.batches(
            registry.models().stream()
                .filter(m -> m.provider().equals("groq"))
                .findFirst()
                .orElseThrow()));
    assertSame(
        Adapters.forFormat(WireFormat.ANTHROPIC), Adapters.batchApi(WireFormat.ANTHROPIC).get());
    assertTrue(Adapters.batchApi(WireFormat.OPENAI_RESPONSES).isPresent());
    assertTrue(Adapters.batchApi(WireFormat.OPENAI).isPresent());
    assertTrue(Adapters.batchApi(WireFormat.GEMINI).isPresent());
    assertFalse(Adapters.batchApi(WireFormat.BEDROCK_ANTHROPIC).isPresent());
    assertFalse(Adapters.batchApi(WireFormat.MISTRAL).isPresent());
  }

  @Test
  public void limitsAreTheDocumentedOnes() {
    assertEquals(new BatchApi.Limits(100_000, 256_000_000L), ANTHROPIC.limits());
    assertEquals(new BatchApi.Limits(50_000, 200_000_000L), CHAT.limits());
    assertEquals(new BatchApi.Limits(50_000, 200_000_000L), RESPONSES.batchApi().limits());
    assertEquals(new BatchApi.Limits(200_000, 20_000_000L), GEMINI.limits());
  }

  @Test
  public void itemsAreTheDocumentedShapes() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      ProviderRequest a = requests(fake, APIS.get(0)).get(0);
      var anthropic = Json.parse(ANTHROPIC.item("id-1", a));
      assertEquals("id-1", anthropic.get("custom_id").asText());
      assertEquals(Json.parse(ANTHROPIC.request(a).body()), anthropic.get("params"));

      ProviderRequest c = requests(fake, APIS.get(1)).get(0);
      var chat = Json.parse(CHAT.item("id-2", c));
      assertEquals("id-2", chat.get("custom_id").asText());
      assertEquals("POST", chat.get("method").asText());
      assertEquals("/v1/chat/completions", chat.get("url").asText());
      assertEquals(Json.parse(CHAT.request(c).body()), chat.get("body"));

      ProviderRequest r = requests(fake, APIS.get(2)).get(0);
      assertEquals(
          "/v1/responses", Json.parse(RESPONSES.batchApi().item("id-3", r)).get("url").asText());

      ProviderRequest g = requests(fake, APIS.get(3)).get(0);
      var gemini = Json.parse(GEMINI.item("id-4", g));
      assertEquals("id-4", gemini.path("metadata").path("key").asText());
      assertEquals(Json.parse(GEMINI.request(g).body()), gemini.get("request"));
    }
  }
}
