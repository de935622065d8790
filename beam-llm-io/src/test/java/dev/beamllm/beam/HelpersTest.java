package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.internal.Json;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/**
 * The ready helpers without a pipeline run: arguments refused at once, the label schema, the
 * per-model parameters of a judgement, language detection, and the values' schema coders.
 */
public class HelpersTest {

  @Test
  public void badArgumentsFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> LlmIO.translate("french"));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.translate("xx"));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.translate(""));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.translate(null));
    assertThrows(
        IllegalArgumentException.class, () -> LlmIO.translate("fr").withDetectionConfidence(0));
    assertThrows(
        IllegalArgumentException.class, () -> LlmIO.translate("fr").withDetectionConfidence(1.5));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.translate("fr").withClient(null));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.classify(List.of()));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.classify(null));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.classify(List.of("a", "b", "a")));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.classify(Arrays.asList("a", null)));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.classify(List.of("a", " ")));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.score(" "));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.score(null));
    assertThrows(IllegalArgumentException.class, () -> LlmIO.score("q").withMaxNewTokens(0));
  }

  @Test
  public void translateTakesIsoCodesInAnyCase() {
    assertEquals("de", LlmIO.translate(" DE ").targetLanguage());
    assertTrue(TranslatePrompt.of("ja").system().contains("into Japanese (ISO 639-1 code: ja)"));
  }

  @Test
  public void theLabelsAreAStrictEnum() {
    ClassifyTexts c =
        LlmIO.classify(List.of("yes \"quoted\"", "no")).withInstructions("  Be strict.  ");
    assertEquals(
        Json.parse(
            "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\","
                + "\"enum\":[\"yes \\\"quoted\\\"\",\"no\"]}},\"required\":[\"label\"],"
                + "\"additionalProperties\":false}"),
        Json.parse(c.schemaJson()));
    assertTrue(c.prompt().system(), c.prompt().system().endsWith("\n\nBe strict."));
    assertTrue(c.prompt().system(), c.prompt().system().contains("\"yes \\\"quoted\\\"\", \"no\""));
    assertNull(c.withInstructions(null).prompt().instructions());
  }

  @Test
  public void aJudgementAsksForLogprobsOnlyWhereTheModelGivesThem() {
    ScoreTexts s =
        LlmIO.score("Is it spam?")
            .withClient(
                LlmIO.complete()
                    .withModels("gpt-4.1-mini", "claude-4.5-haiku")
                    .withSamplingParams(SamplingParams.builder().temperature(0.3).build()));
    ClientConfig c = s.judgeClient().config();
    SamplingParams openAi = c.paramsFor("gpt-4.1-mini");
    assertTrue(openAi.logprobs());
    assertEquals(Integer.valueOf(ScoreTexts.TOP_LOGPROBS), openAi.topLogprobs().orElseThrow());
    assertEquals(5, openAi.maxNewTokens());
    assertEquals(0.3, openAi.temperature().orElseThrow(), 0);
    SamplingParams claude = c.paramsFor(c.registry().lookup("claude-4.5-haiku").id());
    assertFalse(claude.logprobs());
    assertTrue(claude.topLogprobs().isEmpty());
    assertEquals(5, claude.maxNewTokens());
    // The Responses API takes no fewer than 16 output tokens.
    ClientConfig responses = s.withClient(s.client().withResponsesApi(true)).judgeClient().config();
    assertEquals(16, responses.paramsFor("gpt-4.1-mini").maxNewTokens());
  }

  @Test
  public void detectsOnlyWhenSure() {
    double sure = LanguageDetection.DEFAULT_CONFIDENCE;
    assertEquals(
        "fr",
        LanguageDetection.detect(
            "Le chat dort sur le canapé pendant que la pluie tombe dehors.", sure));
    assertEquals(
        "en",
        LanguageDetection.detect("The cat sleeps on the sofa while the rain falls outside.", sure));
    assertEquals(
        "de",
        LanguageDetection.detect(
            "Die Katze schläft auf dem Sofa, während draußen der Regen fällt.", sure));
    // Too short to tell, whatever the detector would guess.
    assertNull(LanguageDetection.detect("Merci beaucoup", sure));
    assertNull(LanguageDetection.detect("ok", sure));
    assertNull(LanguageDetection.detect("1234567890 1234567890 1234567890", sure));
  }

  @Test
  public void theValuesRoundTripThroughTheirSchemaCoders() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(
        Translation.coder(), Translation.translated("a", "Hi", "en", "fr", "Salut", "m", 0.25));
    CoderProperties.coderDecodeEncodeEqual(
        Translation.coder(), Translation.kept(null, "Bonjour à tous", "fr"));
    CoderProperties.coderDecodeEncodeEqual(
        Classification.coder(), Classification.of("a", "sports"));
    CoderProperties.coderDecodeEncodeEqual(Classification.coder(), Classification.of(null, "x"));
    CoderProperties.coderDecodeEncodeEqual(
        Score.coder(), Score.of("a", true, 0.83, true, "gpt-4.1-mini", 1e-6));
    assertEquals(
        List.of(
            "id",
            "source_text",
            "source_language",
            "target_language",
            "text",
            "sent",
            "model",
            "cost"),
        Translation.coder().getSchema().getFieldNames());
    assertEquals(
        List.of("id", "yes", "probability_yes", "from_logprobs", "model", "cost"),
        Score.coder().getSchema().getFieldNames());
  }
}
