package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.TextInput;
import dev.beamllm.model.Capabilities;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.score(...)} on the DirectRunner against the fake provider over real sockets. The
 * fake answers a text holding {@code PROB=p} with Yes (p &ge; 0.5) or No, its first token's top
 * log-probabilities Yes ln(p) and No ln(1 - p): so P(yes) must come back as p exactly from OpenAI's
 * chat completions, its Responses API and Gemini, and as 1 or 0 from the answer's word on
 * Anthropic, which gives no log-probabilities (and is asked for none).
 */
public class LlmIOScoreTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final List<TextInput> TEXTS =
      List.of(
          new TextInput("likely", "PROB=0.83 Thank you so much for your help!"),
          new TextInput("unlikely", "PROB=0.25 Whatever."),
          new TextInput("odd", "no directive here"));

  /** Id, yes, P(yes) to 9 decimals, from logprobs, model. */
  private static String describe(Score s) {
    return String.format(
        Locale.ROOT,
        "%s %s %.9f %s %s",
        s.getId(),
        s.isYes() ? "yes" : "no",
        s.getProbabilityYes(),
        s.isFromLogprobs(),
        s.getModel());
  }

  private static ModelRegistry registry(FakeProviderServer fake, String id, boolean logprobs) {
    ModelRegistry points = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec spec = points.lookup(id);
    Capabilities c = spec.capabilities();
    Capabilities caps =
        new Capabilities(
            c.jsonMode(),
            c.jsonSchema(),
            c.images(),
            c.pdfs(),
            logprobs,
            c.tools(),
            c.reasoning(),
            c.responsesApi(),
            c.reasoningEfforts());
    return points.withModels(
        List.of(spec.toBuilder().setApiKeyEnv(null).setCapabilities(caps).build()));
  }

  /** Runs the three texts through {@code model} and checks the scores and the one failure. */
  private void score(
      ModelRegistry registry,
      String model,
      UnaryOperator<LlmIO.Complete> client,
      String... expected) {
    ScoreResult result =
        pipeline
            .apply(Create.of(TEXTS).withCoder(TextInputCoder.of()))
            .apply(
                LlmIO.score("Is the text polite?")
                    .withClient(
                        client.apply(LlmIO.complete().withModels(model).withRegistry(registry))));
    PAssert.that(
            result
                .scores()
                .apply(MapElements.into(TypeDescriptors.strings()).via(s -> describe(s))))
        .containsInAnyOrder(expected);
    PAssert.that(result.failures())
        .satisfies(
            fs -> {
              List<String> got = new ArrayList<>();
              fs.forEach(
                  f ->
                      got.add(
                          f.getConversationId() + " " + f.getErrorKind() + " " + f.getAnswer()));
              assertEquals(
                  List.of("odd " + ErrorKind.INVALID_OUTPUT.name() + " Echo: no directive here"),
                  got);
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test(timeout = 120_000)
  public void openAiChatGivesTheProbabilityFromTopLogprobs() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      score(
          registry(fake, "gpt-4.1-mini", true),
          "gpt-4.1-mini",
          c -> c,
          "likely yes 0.830000000 true gpt-4.1-mini",
          "unlikely no 0.250000000 true gpt-4.1-mini");
      List<RecordedRequest> sent = fake.requests();
      assertEquals(3, sent.size());
      for (RecordedRequest r : sent) {
        assertTrue(r.path(), r.path().endsWith("/chat/completions"));
        assertTrue(r.body(), r.body().contains("\"logprobs\":true"));
        assertTrue(r.body(), r.body().contains("\"top_logprobs\":5"));
        assertTrue(r.body(), r.body().contains("Question: Is the text polite?"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void openAiResponsesApiGivesTheProbabilityFromTopLogprobs() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      score(
          registry(fake, "gpt-4.1-mini", true),
          "gpt-4.1-mini",
          c -> c.withResponsesApi(true),
          "likely yes 0.830000000 true gpt-4.1-mini",
          "unlikely no 0.250000000 true gpt-4.1-mini");
      List<RecordedRequest> sent = fake.requests();
      assertEquals(3, sent.size());
      for (RecordedRequest r : sent) {
        assertTrue(r.path(), r.path().endsWith("/responses"));
        assertTrue(r.body(), r.body().contains("message.output_text.logprobs"));
        // The Responses API's floor, not the transform's 5.
        assertTrue(r.body(), r.body().contains("\"max_output_tokens\":16"));
        assertTrue(r.body(), r.body().contains("\"top_logprobs\":5"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void geminiGivesTheProbabilityFromItsLogprobsResult() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      // A Gemini model registered with logprobs (the built-in entries say none).
      score(
          registry(fake, "gemini-2.0-flash", true),
          "gemini-2.0-flash",
          c -> c,
          "likely yes 0.830000000 true gemini-2.0-flash",
          "unlikely no 0.250000000 true gemini-2.0-flash");
      List<RecordedRequest> sent = fake.requests();
      assertEquals(3, sent.size());
      for (RecordedRequest r : sent) {
        assertTrue(r.path(), r.path().contains(":generateContent"));
        assertTrue(r.body(), r.body().contains("\"responseLogprobs\":true"));
        assertTrue(r.body(), r.body().contains("\"logprobs\":5"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void anthropicFallsBackToTheAnswersWord() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      score(
          registry(fake, "claude-4.5-haiku", false),
          "claude-4.5-haiku",
          c -> c,
          "likely yes 1.000000000 false claude-4.5-haiku",
          "unlikely no 0.000000000 false claude-4.5-haiku");
      List<RecordedRequest> sent = fake.requests();
      assertEquals(3, sent.size());
      for (RecordedRequest r : sent) {
        assertTrue(r.path(), r.path().endsWith("/messages"));
        assertFalse(r.body(), r.body().contains("logprobs"));
        assertTrue(r.body(), r.body().contains("\"max_tokens\":5"));
      }
    }
  }
}
