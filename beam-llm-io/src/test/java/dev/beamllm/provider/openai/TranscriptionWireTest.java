package dev.beamllm.provider.openai;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.provider.TranscriptionRequest;
import dev.beamllm.response.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The OpenAI transcription call as built, without a server: a binary multipart body with the fields
 * then the file (its bytes unchanged), the key and extra headers as every OpenAI call has them,
 * Azure's deployment URL and {@code api-key}, a file over 25 MB refused, and both usage shapes
 * (duration and tokens) read back.
 */
public class TranscriptionWireTest {
  private static final ModelRegistry REGISTRY = ModelRegistry.defaults();
  private static final TranscriptionApi API =
      Adapters.transcriptionApi(WireFormat.OPENAI).orElseThrow();

  private static TranscriptionRequest request(ModelSpec model, byte[] audio) {
    return new TranscriptionRequest(
        model,
        "dir/say \"hi\".mp3",
        audio,
        "fr",
        "Names: Zoë",
        0.3,
        Credentials.apiKey("sk-secret"),
        Map.of("x-team", "audio"));
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  public void theCallIsABinaryMultipartUploadWithTheKeyAndExtraHeaders() {
    byte[] audio = {0, (byte) 0xff, (byte) 0x80, '\r', '\n', '-', '-', 7};
    ModelSpec whisper = REGISTRY.lookup("whisper-1");
    assertTrue(API.transcribes(whisper));
    assertFalse(API.transcribes(REGISTRY.lookup("gpt-4.1-mini")));
    assertFalse(API.transcribes(REGISTRY.lookup("text-embedding-3-small")));
    HttpCall call = API.transcribe(request(whisper, audio));
    assertEquals("POST", call.method());
    assertEquals("https://api.openai.com/v1/audio/transcriptions", call.uri().toString());
    assertEquals("Bearer sk-secret", call.headers().get("authorization"));
    assertEquals("audio", call.headers().get("x-team"));
    String type = call.headers().get("content-type");
    assertTrue(type, type.startsWith("multipart/form-data; boundary=beam-llm-io-"));
    assertEquals("", call.body());
    assertNotNull(call.binaryBody());
    String boundary = type.substring(type.indexOf('=') + 1);
    String body = latin1(call.binaryBody());
    String expectedFile =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"say _hi_.mp3\"\r\n"
            + "Content-Type: audio/mpeg\r\n\r\n"
            + latin1(audio)
            + "\r\n--"
            + boundary
            + "--\r\n";
    assertTrue(body, body.endsWith(expectedFile));
    for (String[] field :
        List.of(
            new String[] {"model", "whisper-1"},
            new String[] {"response_format", "json"},
            new String[] {"language", "fr"},
            new String[] {"temperature", "0.3"})) {
      assertTrue(
          field[0],
          body.contains(
              "Content-Disposition: form-data; name=\""
                  + field[0]
                  + "\"\r\n\r\n"
                  + field[1]
                  + "\r\n"));
    }
    String utf8 = new String(call.binaryBody(), StandardCharsets.UTF_8);
    assertTrue(utf8, utf8.contains("name=\"prompt\"\r\n\r\nNames: Zoë\r\n"));
  }

  @Test
  public void azureUploadsToItsDeploymentWithApiKeyAndNoModelField() {
    ModelSpec azure =
        REGISTRY.lookup("whisper-1").toBuilder()
            .setId("azure-whisper")
            .setProvider("azure")
            .setApiBase("https://myres.openai.azure.com/openai/deployments/{deployment}")
            .build();
    HttpCall call = API.transcribe(request(azure, new byte[] {1, 2}));
    assertTrue(
        call.uri().toString(),
        call.uri()
            .toString()
            .startsWith(
                "https://myres.openai.azure.com/openai/deployments/whisper-1/audio/transcriptions"
                    + "?api-version="));
    assertEquals("sk-secret", call.headers().get("api-key"));
    assertFalse(call.headers().containsKey("authorization"));
    assertFalse(latin1(call.binaryBody()).contains("name=\"model\""));
  }

  @Test
  public void aFileOver25MbIsRefused() {
    ModelSpec whisper = REGISTRY.lookup("whisper-1");
    assertEquals(25L * 1024 * 1024, API.maxFileBytes(whisper));
    assertThrows(
        IllegalArgumentException.class,
        () -> API.transcribe(request(whisper, new byte[25 * 1024 * 1024 + 1])));
  }

  @Test
  public void bothUsageShapesAreRead() {
    ModelSpec whisper = REGISTRY.lookup("whisper-1");
    TranscriptionRequest r = request(whisper, new byte[] {1});
    TranscriptionApi.Transcribed seconds =
        API.parse(
            r,
            new HttpAnswer(
                200,
                Map.of(),
                "{\"text\":\"bonjour\",\"usage\":{\"type\":\"duration\",\"seconds\":3}}"));
    assertEquals(new TranscriptionApi.Transcribed("bonjour", 3, 0, 0, 0), seconds);
    TranscriptionApi.Transcribed tokens =
        API.parse(
            r,
            new HttpAnswer(
                200,
                Map.of(),
                "{\"text\":\"hi\",\"usage\":{\"type\":\"tokens\",\"input_tokens\":14,"
                    + "\"input_token_details\":{\"text_tokens\":4,\"audio_tokens\":10},"
                    + "\"output_tokens\":2,\"total_tokens\":16}}"));
    assertEquals(new TranscriptionApi.Transcribed("hi", 0, 4, 10, 2), tokens);
    ProviderException e =
        assertThrows(
            ProviderException.class,
            () -> API.parse(r, new HttpAnswer(200, Map.of(), "{\"usage\":{}}")));
    assertEquals(ErrorKind.INVALID_RESPONSE, e.error().kind());
    // gpt-4o-transcribe: $2.50 text, $6.00 audio, $10.00 output per million tokens.
    assertEquals(
        (4 * 2.5 + 10 * 6.0 + 2 * 10.0) / 1e6,
        REGISTRY.lookup("gpt-4o-transcribe").transcriptionCost(0, 4, 10, 2),
        1e-15);
    assertEquals(0.006 * 1.5, whisper.transcriptionCost(90, 0, 0, 0), 1e-15);
  }
}
