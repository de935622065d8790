package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.extract.RepairTurn;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.JavaBeanSchema;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.extract(...)} on the DirectRunner against the fake provider over real sockets: each
 * model gets the schema in its native form, valid answers become typed rows with a Beam schema, an
 * invalid first answer is fixed by one repair turn (two requests for that row), and an answer that
 * stays invalid is a failure holding the answer and the validator's errors.
 */
public class LlmIOExtractTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** The row type: a plain record, given a Beam schema by the transform ({@link RecordSchema}). */
  public record Person(String name, long age, boolean member) {}

  /** A bean row type, with Beam's bean schema. */
  @DefaultSchema(JavaBeanSchema.class)
  public static class Ticket {
    private String subject;
    private double priority;

    public String getSubject() {
      return subject;
    }

    public void setSubject(String subject) {
      this.subject = subject;
    }

    public double getPriority() {
      return priority;
    }

    public void setPriority(double priority) {
      this.priority = priority;
    }
  }

  private static final String CITY_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
          + "\"population\":{\"type\":\"integer\",\"minimum\":1000}},"
          + "\"required\":[\"city\",\"population\"],\"additionalProperties\":false}";

  private static long requestsFor(FakeProviderServer fake, String text) {
    return chat(fake).stream().filter(r -> r.body().contains(text)).count();
  }

  private static List<RecordedRequest> chat(FakeProviderServer fake) {
    return fake.requests().stream()
        .filter(r -> r.path().endsWith("/chat/completions") || r.path().endsWith("/v1/messages"))
        .toList();
  }

  @Test(timeout = 120_000)
  public void extractsIntoARecordClassWithItsBeamSchema() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ExtractResult<Person> result =
          pipeline
              .apply(
                  Create.of(
                      Conversation.user("Alice, 30").withId("a"),
                      Conversation.user("Bob, 41").withId("b")))
              .apply(
                  LlmIO.extract(Person.class)
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      // The fake answers a schema with its instance: strings are the prompt, integers 1, true.
      PAssert.that(result.rows())
          .containsInAnyOrder(new Person("Alice, 30", 1, true), new Person("Bob, 41", 1, true));
      PAssert.that(result.rowsWithIds())
          .containsInAnyOrder(
              KV.of("a", new Person("Alice, 30", 1, true)),
              KV.of("b", new Person("Bob, 41", 1, true)));
      PAssert.that(result.failures()).empty();
      Schema schema = result.rows().getSchema();
      assertEquals(List.of("name", "age", "member"), schema.getFieldNames());
      pipeline.run().waitUntilFinish();

      List<RecordedRequest> sent = chat(fake);
      assertEquals(2, sent.size());
      for (RecordedRequest r : sent) {
        // OpenAI's native strict structured output, the record's schema with every field required.
        assertTrue(r.body(), r.body().contains("\"json_schema\""));
        assertTrue(r.body(), r.body().contains("\"strict\":true"));
        assertTrue(r.body(), r.body().contains("\"additionalProperties\":false"));
        assertTrue(r.body(), r.body().contains("\"required\":[\"age\",\"member\",\"name\"]"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void extractsJsonRowsWithASchemaGivenAsTextKeepingWindowsAndTimestamps() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ExtractResult<String> result =
          pipeline
              .apply(
                  Create.timestamped(
                      TimestampedValue.of(
                          Conversation.user("Lyon").withId("l"), new Instant(1_000)),
                      TimestampedValue.of(
                          Conversation.user("INVALID_JSON Nice").withId("n"), new Instant(61_000))))
              .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
              .apply(
                  LlmIO.extract(CITY_SCHEMA)
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      // Each row in its input's window, the repaired one too.
      PAssert.that(result.rowsWithIds())
          .inWindow(new IntervalWindow(new Instant(0), new Instant(60_000)))
          .containsInAnyOrder(KV.of("l", "{\"city\":\"Lyon\",\"population\":1000}"));
      PAssert.that(result.rowsWithIds())
          .inWindow(new IntervalWindow(new Instant(60_000), new Instant(120_000)))
          .containsInAnyOrder(KV.of("n", "{\"city\":\"INVALID_JSON Nice\",\"population\":1000}"));
      PAssert.that(result.failures()).empty();
      Schema beam = Schema.builder().addStringField("city").addInt64Field("population").build();
      PAssert.that(result.rows(beam))
          .containsInAnyOrder(
              Row.withSchema(beam).addValues("Lyon", 1000L).build(),
              Row.withSchema(beam).addValues("INVALID_JSON Nice", 1000L).build());
      pipeline.run().waitUntilFinish();
      assertEquals(3, chat(fake).size());
    }
  }

  @Test(timeout = 120_000)
  public void anInvalidFirstAnswerIsFixedByOneRepairTurn() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ExtractResult<Person> result =
          pipeline
              .apply(
                  Create.of(
                      Conversation.user("INVALID_JSON Carol").withId("c"),
                      Conversation.user("Dan").withId("d")))
              .apply(
                  LlmIO.extract(Person.class)
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      PAssert.that(result.rowsWithIds())
          .containsInAnyOrder(
              KV.of("c", new Person("INVALID_JSON Carol", 1, true)),
              KV.of("d", new Person("Dan", 1, true)));
      PAssert.that(result.failures()).empty();
      LocalProgress before = LlmIO.localProgress();
      pipeline.run().waitUntilFinish();

      // Live progress counts rows, not answers: the broken row's first answer did not end it.
      LocalProgress progress = LlmIO.localProgress().since(before);
      assertEquals(2, progress.answered());
      assertEquals(0, progress.failed());
      assertEquals("the broken row: its answer and the repair", 2, requestsFor(fake, "Carol"));
      assertEquals(1, requestsFor(fake, "\"Dan\""));
      RecordedRequest repair =
          chat(fake).stream()
              .filter(r -> r.body().contains("Carol") && r.body().contains("assistant"))
              .findFirst()
              .orElseThrow();
      // The repair turn: the broken answer as the model's turn, then the errors and the request.
      assertTrue(repair.body(), repair.body().contains(RepairTurn.PREAMBLE));
      assertTrue(repair.body(), repair.body().contains("not valid JSON"));
      assertTrue(repair.body(), repair.body().contains("\"json_schema\""));
    }
  }

  @Test(timeout = 120_000)
  public void anAnswerThatStaysInvalidFailsWithTheAnswerAndTheErrors() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ExtractResult<Person> result =
          pipeline
              .apply(Create.of(Conversation.user("ALWAYS_INVALID Eve").withId("e")))
              .apply(
                  LlmIO.extract(Person.class)
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      PAssert.that(result.rows()).empty();
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                int n = 0;
                for (LlmFailure f : fs) {
                  n++;
                  assertEquals("e", f.getConversationId());
                  assertEquals(ErrorKind.INVALID_OUTPUT, f.error().kind());
                  assertTrue(!f.error().kind().retryable());
                  assertEquals("{\"unexpected\":true}", f.getAnswer());
                  assertEquals(2, f.getTurn());
                  assertEquals(2, f.attempts());
                  // The validator's words: the missing fields and the one not allowed.
                  assertTrue(f.getMessage(), f.getMessage().contains("still invalid after"));
                  assertTrue(f.getMessage(), f.getMessage().contains("name"));
                  assertTrue(f.getMessage(), f.getMessage().contains("unexpected"));
                  // The request as given: its own conversation, no repair turn, no carried data.
                  assertEquals(1, f.input().messages().size());
                  assertTrue(f.input().metadataJson().isEmpty());
                }
                assertEquals(1, n);
                return null;
              });
      LocalProgress before = LlmIO.localProgress();
      pipeline.run().waitUntilFinish();
      LocalProgress progress = LlmIO.localProgress().since(before);
      assertEquals(0, progress.answered());
      assertEquals(1, progress.failed());
      assertEquals(2, requestsFor(fake, "Eve"));
    }
  }

  @Test(timeout = 120_000)
  public void everyProviderGetsTheSchemaInItsNativeFormAndAnswersValidRows() throws Exception {
    List<String> models =
        List.of(
            "gpt-4.1-mini",
            // Claude 4.5 and later take output_config.format; older Claude models get a forced
            // output tool whose arguments are the answer.
            "claude-4.5-haiku",
            "claude-3.5-haiku",
            "gemini-2.5-flash",
            "mistral-small",
            "command-a");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
      List<ModelSpec> keyless = new ArrayList<>();
      for (String id : models) {
        keyless.add(r.lookup(id).toBuilder().setApiKeyEnv(null).build());
      }
      ModelRegistry registry = r.withModels(keyless);
      List<LlmRequest> requests = new ArrayList<>();
      List<KV<String, Person>> expected = new ArrayList<>();
      for (String m : models) {
        requests.add(LlmRequest.of(Conversation.user("row for " + m).withId(m)).withModel(m));
        expected.add(KV.of(m, new Person("row for " + m, 1, true)));
      }
      ExtractResult<Person> result =
          pipeline
              .apply(Create.of(requests).withCoder(LlmRequestCoder.of()))
              .apply(
                  LlmIO.extract(Person.class)
                      .withClient(LlmIO.complete().withModels(models).withRegistry(registry))
                      .forRequests());
      PAssert.that(result.rowsWithIds()).containsInAnyOrder(expected);
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();
      // One request per row: every provider's answer was valid at once.
      assertEquals(models.size(), fake.requests().size());
      for (RecordedRequest sent : fake.requests()) {
        assertTrue(
            sent.path() + " " + sent.body(),
            sent.body().contains("\"additionalProperties\":false"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void anOlderClaudeAnswersThroughAForcedToolAndIsRepairedLikeAnyModel() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
      ModelRegistry registry =
          r.withModels(
              List.of(r.lookup("claude-3.5-haiku").toBuilder().setApiKeyEnv(null).build()));
      ExtractResult<Person> result =
          pipeline
              .apply(
                  Create.of(
                      Conversation.user("INVALID_JSON Carol").withId("c"),
                      Conversation.user("ALWAYS_INVALID Eve").withId("e")))
              .apply(
                  LlmIO.extract(Person.class)
                      .withClient(
                          LlmIO.complete().withModels("claude-3.5-haiku").withRegistry(registry)));
      PAssert.that(result.rowsWithIds())
          .containsInAnyOrder(KV.of("c", new Person("INVALID_JSON Carol", 1, true)));
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                LlmFailure f = fs.iterator().next();
                assertEquals("e", f.getConversationId());
                assertEquals(ErrorKind.INVALID_OUTPUT, f.error().kind());
                assertEquals("{\"unexpected\":true}", f.getAnswer());
                return null;
              });
      pipeline.run().waitUntilFinish();
      assertEquals(2, requestsFor(fake, "Carol"));
      assertEquals(2, requestsFor(fake, "Eve"));
      for (RecordedRequest sent : fake.requests()) {
        // No output_config for Claude 3.5: the schema is the forced tool's input schema.
        assertTrue(sent.body(), sent.body().contains("\"tool_choice\":{\"type\":\"tool\""));
        assertTrue(sent.body(), !sent.body().contains("output_config"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void extractsIntoABean() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ExtractResult<Ticket> result =
          pipeline
              .apply(Create.of(Conversation.user("Parcel late").withId("t")))
              .apply(
                  LlmIO.extract(Ticket.class)
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      PAssert.that(result.rows())
          .satisfies(
              ts -> {
                int n = 0;
                for (Ticket t : ts) {
                  n++;
                  assertEquals("Parcel late", t.getSubject());
                  assertEquals(1.5, t.getPriority(), 0);
                }
                assertEquals(1, n);
                return null;
              });
      assertTrue(result.rows().hasSchema());
      pipeline.run().waitUntilFinish();
    }
  }
}
