package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.TextInput;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.classify(...)} on the DirectRunner against the fake provider over real sockets: the
 * labels go as a strict JSON-schema enum, each text gets the label it names (the fake's rule), an
 * invalid first answer is repaired by one more turn, and an answer that stays invalid is an {@code
 * INVALID_OUTPUT} failure.
 */
public class LlmIOClassifyTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final List<String> LABELS = List.of("sports", "politics", "Science");

  private static List<RecordedRequest> chat(FakeProviderServer fake) {
    return fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
  }

  private static long requestsFor(FakeProviderServer fake, String text) {
    return chat(fake).stream().filter(r -> r.body().contains(text)).count();
  }

  @Test(timeout = 120_000)
  public void eachTextGetsALabelOfTheSetRepairedOnceWhenInvalid() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<TextInput> texts =
          List.of(
              new TextInput("s", "A late goal decided the match, great news for sports fans"),
              new TextInput("p", "Parliament argued about politics all night"),
              new TextInput("c", "A new telescope result for SCIENCE"),
              new TextInput("none", "Nothing to see here"),
              new TextInput("repaired", "INVALID_JSON the politics of the day"),
              new TextInput("bad", "ALWAYS_INVALID about sports"));
      ClassifyResult result =
          pipeline
              .apply(Create.of(texts).withCoder(TextInputCoder.of()))
              .apply(
                  LlmIO.classify(LABELS)
                      .withInstructions("The texts are news headlines.")
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      PAssert.that(result.classifications())
          .containsInAnyOrder(
              Classification.of("s", "sports"),
              Classification.of("p", "politics"),
              Classification.of("c", "Science"),
              // Naming no label, the fake answers the first.
              Classification.of("none", "sports"),
              Classification.of("repaired", "politics"));
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                List<String> got = new ArrayList<>();
                for (LlmFailure f : fs) {
                  got.add(f.getConversationId() + " " + f.getErrorKind() + " " + f.getTurn());
                  assertEquals("{\"unexpected\":true}", f.getAnswer());
                }
                assertEquals(List.of("bad " + ErrorKind.INVALID_OUTPUT.name() + " 2"), got);
                return null;
              });
      Schema schema = result.classifications().getSchema();
      assertEquals(List.of("id", "label"), schema.getFieldNames());
      pipeline.run().waitUntilFinish();

      // One request per valid row, two for the repaired and the failed one.
      assertEquals(8, chat(fake).size());
      assertEquals(2, requestsFor(fake, "INVALID_JSON the politics"));
      assertEquals(1, requestsFor(fake, "Nothing to see here"));
      for (RecordedRequest r : chat(fake)) {
        // OpenAI's strict structured output holding the labels as an enum, and the instructions.
        assertTrue(r.body(), r.body().contains("\"strict\":true"));
        assertTrue(r.body(), r.body().contains("\"enum\":[\"sports\",\"politics\",\"Science\"]"));
        assertTrue(r.body(), r.body().contains("The texts are news headlines."));
      }
    }
  }

  @Test(timeout = 120_000)
  public void classifiesPlainStringsOnGeminiAndClaudeToo() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      var points = fake.pointRegistry(dev.beamllm.model.ModelRegistry.defaults());
      List<dev.beamllm.model.ModelSpec> keyless = new ArrayList<>();
      for (String id : List.of("gemini-2.5-flash", "claude-4.5-haiku")) {
        keyless.add(points.lookup(id).toBuilder().setApiKeyEnv(null).build());
      }
      var registry = points.withModels(keyless);
      for (String model : List.of("gemini-2.5-flash", "claude-4.5-haiku")) {
        ClassifyResult result =
            pipeline
                .apply("Texts " + model, Create.of("all about politics"))
                .apply(
                    "Classify " + model,
                    LlmIO.classify(LABELS)
                        .withClient(LlmIO.complete().withModels(model).withRegistry(registry))
                        .forTexts());
        PAssert.that("labels " + model, result.classifications())
            .containsInAnyOrder(Classification.of(null, "politics"));
        PAssert.that("failures " + model, result.failures()).empty();
      }
      pipeline.run().waitUntilFinish();
      assertEquals(2, fake.requests().size());
    }
  }

  @Test
  public void badLabelsFailAtOnce() {
    assertThrows(() -> LlmIO.classify(List.of()));
    assertThrows(() -> LlmIO.classify(List.of("a", "b", "a")));
    assertThrows(() -> LlmIO.classify(java.util.Arrays.asList("a", null)));
    assertThrows(() -> LlmIO.classify(List.of("a", "  ")));
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  private static void assertThrows(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException expected) {
      return;
    }
    throw new AssertionError("expected an IllegalArgumentException");
  }
}
