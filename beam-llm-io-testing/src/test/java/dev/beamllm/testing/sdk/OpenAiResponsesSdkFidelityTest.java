package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputImage;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.beamllm.prompt.TestData;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The official OpenAI Java SDK, pointed at the fake server with response validation on, sends
 * Responses API and embeddings requests and parses every answer (objects and streamed events)
 * without error.
 */
public class OpenAiResponsesSdkFidelityTest {
  private static FakeProviderServer fake;
  private static OpenAIClient client;

  @BeforeClass
  public static void start() {
    fake = FakeProviderServer.builder().apiKey("sk-fake").start();
    // Validation makes the SDK check every required field and type of each answer as it parses it.
    client =
        OpenAIOkHttpClient.builder()
            .apiKey("sk-fake")
            .baseUrl(fake.baseUrl() + "/v1")
            .maxRetries(0)
            .responseValidation(true)
            .build();
  }

  @AfterClass
  public static void stop() {
    client.close();
    fake.close();
  }

  private static String text(Response response) {
    return response.output().stream()
        .filter(ResponseOutputItem::isMessage)
        .flatMap(m -> m.asMessage().content().stream())
        .map(c -> c.asOutputText().text())
        .collect(Collectors.joining());
  }

  @Test
  public void textResponse() {
    Response r =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4.1-mini")
                    .instructions("Be terse.")
                    .input("Say hi")
                    .maxOutputTokens(64)
                    .build());
    assertEquals("Echo: Say hi", text(r));
    assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
    assertTrue(r.usage().orElseThrow().inputTokens() > 0);
    assertEquals(
        r.usage().orElseThrow().inputTokens() + r.usage().orElseThrow().outputTokens(),
        r.usage().orElseThrow().totalTokens());
  }

  @Test
  public void imageInputAsDataUrl() throws Exception {
    String dataUrl =
        "data:image/png;base64,"
            + Base64.getEncoder()
                .encodeToString(Files.readAllBytes(TestData.file("images/red-square.png")));
    ResponseInputItem message =
        ResponseInputItem.ofMessage(
            ResponseInputItem.Message.builder()
                .role(ResponseInputItem.Message.Role.USER)
                .addInputTextContent("What colour is this?")
                .addContent(
                    ResponseInputImage.builder()
                        .detail(ResponseInputImage.Detail.LOW)
                        .imageUrl(dataUrl)
                        .build())
                .build());
    Response r =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4.1-mini")
                    .inputOfResponse(List.of(message))
                    .build());
    assertEquals("Echo: What colour is this?", text(r));
    assertTrue("a low-detail image is 85 tokens", r.usage().orElseThrow().inputTokens() > 85);
  }

  @Test
  public void functionToolRoundTrip() {
    FunctionTool weather =
        FunctionTool.builder()
            .name("get_weather")
            .strict(true)
            .parameters(
                FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty(
                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                    .build())
            .build();
    ResponseInputItem ask =
        ResponseInputItem.ofMessage(
            ResponseInputItem.Message.builder()
                .role(ResponseInputItem.Message.Role.USER)
                .addInputTextContent("Use get_weather for Oslo")
                .build());
    Response first =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4.1-mini")
                    .addTool(weather)
                    .inputOfResponse(List.of(ask))
                    .build());
    ResponseFunctionToolCall call = first.output().get(0).asFunctionCall();
    assertEquals("get_weather", call.name());
    assertTrue(call.arguments().contains("city"));

    ResponseInputItem result =
        ResponseInputItem.ofFunctionCallOutput(
            ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId())
                .output("4 C")
                .build());
    Response second =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-4.1-mini")
                    .addTool(weather)
                    .inputOfResponse(List.of(ask, ResponseInputItem.ofFunctionCall(call), result))
                    .build());
    assertEquals("Tool results: 4 C", text(second));
  }

  @Test
  public void streamedEventsParse() {
    StringBuilder deltas = new StringBuilder();
    Response completed;
    try (StreamResponse<ResponseStreamEvent> stream =
        client
            .responses()
            .createStreaming(
                ResponseCreateParams.builder()
                    .model("gpt-4.1-mini")
                    .input("stream this please, it is long enough")
                    .build())) {
      List<ResponseStreamEvent> events = stream.stream().collect(Collectors.toList());
      events.forEach(e -> e.outputTextDelta().ifPresent(d -> deltas.append(d.delta())));
      completed = events.get(events.size() - 1).asCompleted().response();
    }
    assertEquals("Echo: stream this please, it is long enough", deltas.toString());
    assertEquals(deltas.toString(), text(completed));
  }

  @Test
  public void embeddingsAsFloatsAndBase64() {
    EmbeddingCreateParams.Builder params =
        EmbeddingCreateParams.builder()
            .model("text-embedding-3-small")
            .input("hello")
            .dimensions(32);
    CreateEmbeddingResponse floats =
        client
            .embeddings()
            .create(params.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
    List<Float> vector = floats.data().get(0).embedding();
    assertEquals(32, vector.size());
    assertTrue(floats.usage().promptTokens() > 0);
    CreateEmbeddingResponse base64 =
        client
            .embeddings()
            .create(params.encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
    assertEquals(
        "the SDK decodes base64 to the same floats", vector, base64.data().get(0).embedding());
  }
}
