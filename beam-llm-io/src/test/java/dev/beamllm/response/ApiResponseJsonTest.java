package dev.beamllm.response;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The response JSON form: stable field names, lossless for every kind of answer, strict on reading.
 */
public class ApiResponseJsonTest {

  @Test
  public void everySampleRoundTripsToAnEqualResponse() {
    for (Map.Entry<String, ApiResponse> e : SampleResponses.all().entrySet()) {
      String json = ApiResponseJson.toJson(e.getValue());
      ApiResponse back = ApiResponseJson.fromJson(json);
      assertEquals(e.getKey(), e.getValue(), back);
      assertEquals(e.getKey() + ": writing is stable", json, ApiResponseJson.toJson(back));
    }
  }

  @Test
  public void theFormIsPinned() {
    ApiResponse r =
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setProvider("openai")
            .setMessage(Message.assistant("Hi"))
            .setFinishReason("stop")
            .setUsage(Usage.of(3, 1))
            .setCost(0.5)
            .setLatency(Duration.ofMillis(2))
            .setLogprobs(
                List.of(
                    new TokenLogprob(
                        "Hi", -0.25, List.of(new TokenLogprob.Alternative("Hello", -2.0)))))
            .setConversationId("row-1")
            .build();
    assertEquals(
        "{\"v\":1,\"model\":\"gpt-4.1-mini\",\"provider\":\"openai\","
            + "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]},"
            + "\"finish_reason\":\"stop\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"cache_read_tokens\":0,\"cache_write_tokens\":0},"
            + "\"cost\":0.5,\"latency_nanos\":2000000,\"attempts\":1,"
            + "\"logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"top\":[{\"token\":\"Hello\",\"logprob\":-2.0}]}],"
            + "\"conversation_id\":\"row-1\",\"cache_hit\":false}",
        ApiResponseJson.toJson(r));
  }

  @Test
  public void warningsAreWrittenOnlyWhenThereAreSome() {
    JsonNode with = Json.parse(ApiResponseJson.toJson(SampleResponses.all().get("with warnings")));
    assertEquals(
        Json.parse("[\"extended thinking was turned off for this request\",\"second\"]"),
        with.get("warnings"));
    assertFalse(
        "a response without warnings is written as before they existed",
        Json.parse(ApiResponseJson.toJson(SampleResponses.text())).has("warnings"));
    assertEquals(
        List.of(),
        ApiResponseJson.fromJson(ApiResponseJson.toJson(SampleResponses.text())).warnings());
  }

  @Test
  public void errorsKeepKindMessageStatusAndRetryAfter() {
    JsonNode error =
        Json.parse(ApiResponseJson.toJson(SampleResponses.all().get("rate limited"))).get("error");
    assertEquals("rate_limit", error.get("kind").textValue());
    assertEquals("rate limit exceeded", error.get("message").textValue());
    assertEquals(429, error.get("status").intValue());
    assertEquals(2_000, error.get("retry_after_millis").longValue());
    ApiError noMessage = new ApiError(ErrorKind.SERVER, null, 500, -1);
    ApiResponse r = ApiResponse.failure("gpt-4.1-mini", noMessage, 1);
    assertEquals(
        noMessage, ApiResponseJson.fromJson(ApiResponseJson.toJson(r)).error().orElseThrow());
  }

  @Test
  public void imagesAndFilesAreEmbedded() {
    JsonNode content =
        Json.parse(ApiResponseJson.toJson(SampleResponses.all().get("images and files")))
            .get("message")
            .get("content");
    assertTrue(
        "a path image keeps its path and carries its bytes",
        content.get(1).has("path") && content.get(1).has("data"));
    assertEquals("high", content.get(2).get("detail").textValue());
    assertEquals("https://example.com/cat.png", content.get(3).get("url").textValue());
    assertTrue(content.get(4).has("data"));
  }

  @Test
  public void numbersJsonCannotHoldRoundTripAsStrings() {
    ApiResponse r =
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setCost(Double.NaN)
            .setLogprobs(
                List.of(
                    new TokenLogprob(
                        "x",
                        Double.NEGATIVE_INFINITY,
                        List.of(
                            new TokenLogprob.Alternative("y", Double.POSITIVE_INFINITY),
                            new TokenLogprob.Alternative("z", -0.0)))))
            .build();
    String json = ApiResponseJson.toJson(r);
    assertThat(json, containsString("\"cost\":\"NaN\""));
    assertThat(json, containsString("\"logprob\":\"-Infinity\""));
    assertEquals(r, ApiResponseJson.fromJson(json));
  }

  @Test
  public void textSurvivesUtf8EvenWithLoneSurrogates() {
    ApiResponse r = SampleResponses.all().get("unicode");
    String json = ApiResponseJson.toJson(r);
    String throughBytes = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertEquals(r, ApiResponseJson.fromJson(throughBytes));
    assertThat(
        "other non-ASCII text stays as it is", json, containsString("caf\u00e9 \u4e2d\u6587"));
  }

  @Test
  public void readingIsStrict() {
    String good = ApiResponseJson.toJson(SampleResponses.text());
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiResponseJson.fromJson(good.replace("\"v\":1", "\"v\":2")))
            .getMessage(),
        containsString("version 2 is not supported"));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiResponseJson.fromJson(good.replace("\"model\"", "\"modle\"")))
            .getMessage(),
        containsString("no \"model\""));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ApiResponseJson.fromJson(good.replace("\"attempts\":2", "\"attempts\":\"2\"")))
            .getMessage(),
        containsString("\"attempts\" must be an integer"));
    String failed = ApiResponseJson.toJson(SampleResponses.all().get("cancelled"));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> ApiResponseJson.fromJson(failed.replace("cancelled", "exploded")))
            .getMessage(),
        containsString("unknown error kind 'exploded'"));
    assertThrows(IllegalArgumentException.class, () -> ApiResponseJson.fromJson("[]"));
    assertThrows(IllegalArgumentException.class, () -> ApiResponseJson.fromJson("{\"v\":1"));
  }

  @Test
  public void theMessageMustBeTheAssistants() {
    String userMessage =
        ApiResponseJson.toJson(SampleResponses.text())
            .replace("\"role\":\"assistant\"", "\"role\":\"user\"");
    assertThrows(IllegalArgumentException.class, () -> ApiResponseJson.fromJson(userMessage));
  }
}
