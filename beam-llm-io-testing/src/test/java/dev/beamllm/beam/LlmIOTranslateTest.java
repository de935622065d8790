package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.TextInput;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.translate(...)} on the DirectRunner against the fake provider over real sockets:
 * texts detected in the target language are kept and never sent (the fake's request log shows it),
 * the others are sent and come back as the fake translates them ({@code "[fr] <text>"}), short
 * texts are sent rather than skipped on a guess.
 */
public class LlmIOTranslateTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String FRENCH =
      "Le chat dort sur le canapé pendant que la pluie tombe doucement dehors.";
  private static final String ENGLISH =
      "The cat is sleeping on the sofa while the rain falls gently outside.";
  private static final String GERMAN =
      "Die Katze schläft auf dem Sofa, während draußen leise der Regen fällt.";

  private static List<RecordedRequest> chat(FakeProviderServer fake) {
    return fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
  }

  /** Every field but the cost, which depends on the registry's prices; cost checked apart. */
  private static String describe(Translation t) {
    return t.getId()
        + "|"
        + t.getSourceLanguage()
        + "|"
        + t.getTargetLanguage()
        + "|"
        + t.getText()
        + "|"
        + t.isSent()
        + "|"
        + t.getModel()
        + "|"
        + (t.isSent() ? t.getCost() > 0 : t.getCost() == 0)
        + "|"
        + t.getSourceText().equals(t.isSent() ? t.getText().substring(5) : t.getText());
  }

  @Test(timeout = 120_000)
  public void keepsTextsAlreadyInTheTargetLanguageUnsentAndTranslatesTheOthers() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<TextInput> texts =
          List.of(
              new TextInput("fr", FRENCH),
              new TextInput("en", ENGLISH),
              new TextInput("de", GERMAN),
              // French, but too short to be sure of: sent rather than skipped on a guess.
              new TextInput("short", "Merci beaucoup"));
      TranslateResult result =
          pipeline
              .apply(Create.of(texts).withCoder(TextInputCoder.of()))
              .apply(
                  LlmIO.translate("FR")
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake))));
      PCollection<String> described =
          result
              .translations()
              .apply(MapElements.into(TypeDescriptors.strings()).via(t -> describe(t)));
      PAssert.that(described)
          .containsInAnyOrder(
              "fr|fr|fr|" + FRENCH + "|false||true|true",
              "en|en|fr|[fr] " + ENGLISH + "|true|gpt-4.1-mini|true|true",
              "de|de|fr|[fr] " + GERMAN + "|true|gpt-4.1-mini|true|true",
              "short|null|fr|[fr] Merci beaucoup|true|gpt-4.1-mini|true|true");
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();

      List<RecordedRequest> sent = chat(fake);
      assertEquals("only the three texts not surely in French are sent", 3, sent.size());
      for (RecordedRequest r : sent) {
        assertFalse(r.body(), r.body().contains("Le chat dort"));
        assertTrue(r.body(), r.body().contains("into French (ISO 639-1 code: fr)"));
        // The carried text rides in the metadata, which is never sent.
        assertFalse(r.body(), r.body().contains("beamllm_text"));
      }
    }
  }

  @Test(timeout = 120_000)
  public void translatesPlainStringsAndSendsNothingWhenAllAreInTheTargetLanguage()
      throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      TranslateResult result =
          pipeline
              .apply(Create.of(ENGLISH, "Hello there, how are you doing on this fine morning?"))
              .apply(
                  LlmIO.translate("en")
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake)))
                      .forTexts());
      PAssert.that(
              result
                  .translations()
                  .apply(MapElements.into(TypeDescriptors.strings()).via(t -> describe(t))))
          .containsInAnyOrder(
              "null|en|en|" + ENGLISH + "|false||true|true",
              "null|en|en|Hello there, how are you doing on this fine morning?|false||true|true");
      pipeline.run().waitUntilFinish();
      assertEquals(0, fake.requests().size());
    }
  }

  @Test(timeout = 120_000)
  public void aFailedTranslationIsAFailureNamedByTheTextsId() throws Exception {
    // The model's key variable is set nowhere: the request fails at once as AUTH, and is not lost.
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      var points = fake.pointRegistry(dev.beamllm.model.ModelRegistry.defaults());
      var registry =
          points.withModels(
              List.of(
                  points.lookup("gpt-4.1-mini").toBuilder()
                      .setApiKeyEnv("BEAMLLM_TEST_KEY_SET_NOWHERE")
                      .build()));
      TranslateResult result =
          pipeline
              .apply(
                  Create.of(List.of(new TextInput("en", ENGLISH))).withCoder(TextInputCoder.of()))
              .apply(
                  LlmIO.translate("fr")
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(registry)
                              .withMaxAttempts(1)));
      PAssert.that(result.translations()).empty();
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                List<String> got = new ArrayList<>();
                fs.forEach(f -> got.add(f.getConversationId() + " " + f.getErrorKind()));
                assertEquals(List.of("en " + ErrorKind.AUTH.name()), got);
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
  }
}
