package dev.beamllm.testing.sdk;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import dev.beamllm.testing.FakeProviderServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Google's official Gen AI Java SDK, pointed at the fake server, sends and parses without error.
 */
public class GeminiSdkFidelityTest {
  private static final String MODEL = "gemini-2.5-flash";
  private static FakeProviderServer fake;
  private static Client client;

  @BeforeClass
  public static void start() {
    fake = FakeProviderServer.builder().apiKey("AIza-fake").start();
    client = client("AIza-fake");
  }

  @AfterClass
  public static void stop() {
    fake.close();
  }

  private static Client client(String key) {
    return Client.builder()
        .apiKey(key)
        .httpOptions(HttpOptions.builder().baseUrl(fake.baseUrl()).build())
        .build();
  }

  @Test
  public void textWithASystemInstruction() {
    GenerateContentResponse r =
        client.models.generateContent(
            MODEL,
            "Say hi",
            GenerateContentConfig.builder()
                .systemInstruction(Content.fromParts(Part.fromText("Be terse.")))
                .build());
    assertEquals("Echo: Say hi", r.text());
    assertEquals("STOP", r.finishReason().toString());
    assertTrue(r.usageMetadata().orElseThrow().promptTokenCount().orElseThrow() > 0);
    assertEquals(MODEL, r.modelVersion().orElseThrow());
  }

  @Test
  public void anInlineImage() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", png);
    Content content =
        Content.builder()
            .role("user")
            .parts(
                Part.fromText("What is in this image?"),
                Part.fromBytes(png.toByteArray(), "image/png"))
            .build();
    GenerateContentResponse r = client.models.generateContent(MODEL, content, null);
    assertEquals("Echo: What is in this image?", r.text());
    assertTrue(
        "the image's 258 tokens are counted",
        r.usageMetadata().orElseThrow().promptTokenCount().orElseThrow() > 258);
  }

  @Test
  public void aFunctionCallingRoundTrip() {
    Schema params =
        Schema.builder()
            .type(Type.Known.OBJECT)
            .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
            .required("city")
            .build();
    GenerateContentConfig config =
        GenerateContentConfig.builder()
            .tools(
                Tool.builder()
                    .functionDeclarations(
                        FunctionDeclaration.builder()
                            .name("get_weather")
                            .description("Weather")
                            .parameters(params)))
            .build();
    Content question =
        Content.builder().role("user").parts(Part.fromText("Use get_weather for Oslo")).build();
    GenerateContentResponse first = client.models.generateContent(MODEL, question, config);
    List<FunctionCall> calls = first.functionCalls();
    assertEquals(1, calls.size());
    assertEquals("get_weather", calls.get(0).name().orElseThrow());
    assertTrue(calls.get(0).args().orElseThrow().get("city") instanceof String);

    Content answer =
        Content.builder()
            .role("user")
            .parts(Part.fromFunctionResponse("get_weather", Map.of("output", "4 C")))
            .build();
    GenerateContentResponse second =
        client.models.generateContent(
            MODEL,
            List.of(
                question, first.candidates().orElseThrow().get(0).content().orElseThrow(), answer),
            config);
    assertEquals("Tool results: 4 C", second.text());
  }

  @Test
  public void thoughtsAndTheirTokenCount() {
    GenerateContentResponse r =
        client.models.generateContent(
            MODEL,
            "Think first",
            GenerateContentConfig.builder()
                .thinkingConfig(ThinkingConfig.builder().includeThoughts(true))
                .build());
    List<Part> parts = r.parts();
    assertTrue(parts.get(0).thought().orElse(false));
    assertTrue(parts.get(1).thoughtSignature().isPresent());
    assertTrue(r.usageMetadata().orElseThrow().thoughtsTokenCount().orElseThrow() > 0);
  }

  @Test
  public void aStream() {
    StringBuilder text = new StringBuilder();
    try (ResponseStream<GenerateContentResponse> stream =
        client.models.generateContentStream(MODEL, "stream this please, it is long enough", null)) {
      for (GenerateContentResponse chunk : stream) {
        text.append(chunk.text());
      }
    }
    assertEquals("Echo: stream this please, it is long enough", text.toString());
  }

  @Test
  public void aWrongKeyIsAClientException() {
    ClientException e =
        assertThrows(
            ClientException.class,
            () -> client("AIza-wrong").models.generateContent(MODEL, "hi", null));
    assertEquals(400, e.code());
    // This SDK version takes status() from the HTTP reason phrase and only the message from the
    // body.
    assertThat(e.message(), containsString("API key not valid"));
  }
}
