package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.provider.TranscriptionRequest;
import dev.beamllm.provider.internal.ApiCall;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI audio transcription ({@code POST {api_base}/audio/transcriptions}), also Azure OpenAI's on
 * a deployment ({@code api-version} in the query, no {@code model} field) and the OpenAI-compatible
 * servers' (Groq, vLLM): a {@code multipart/form-data} body with the {@code file} (its name and
 * content type), {@code model}, {@code response_format=json} and, when given, {@code language},
 * {@code prompt} and {@code temperature}; answered with {@code {"text", "usage"}}, the usage by
 * duration ({@code {"type": "duration", "seconds"}}, whisper-1) or by tokens ({@code {"type":
 * "tokens", "input_tokens", "input_token_details": {"text_tokens", "audio_tokens"},
 * "output_tokens"}}, the gpt-4o transcribe models). Reference:
 * platform.openai.com/docs/api-reference/audio/createTranscription.
 */
final class OpenAiTranscriptions implements TranscriptionApi {
  private static final String API = "OpenAI transcription";

  /**
   * "File uploads are currently limited to 25 MB" (platform.openai.com/docs/guides/speech-to-text).
   */
  static final long MAX_FILE_BYTES = 25L * 1024 * 1024;

  /** The content types of the formats OpenAI takes, by extension (the same guide's list). */
  private static final Map<String, String> CONTENT_TYPES =
      Map.ofEntries(
          Map.entry("flac", "audio/flac"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("mp4", "audio/mp4"),
          Map.entry("mpeg", "audio/mpeg"),
          Map.entry("mpga", "audio/mpeg"),
          Map.entry("oga", "audio/ogg"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("wav", "audio/wav"),
          Map.entry("webm", "audio/webm"));

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApiCall caller;

  OpenAiTranscriptions(ApiCall caller) {
    this.caller = caller;
  }

  /**
   * A transcription model reached through the OpenAI format (OpenAI, Azure, compatible servers).
   */
  @Override
  public boolean transcribes(ModelSpec model) {
    return model.kind() == ModelKind.TRANSCRIPTION && model.wireFormat() == WireFormat.OPENAI;
  }

  @Override
  public long maxFileBytes(ModelSpec model) {
    return MAX_FILE_BYTES;
  }

  @Override
  public HttpCall transcribe(TranscriptionRequest r) {
    ModelSpec model = r.model();
    if (r.audio().length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "the file has "
              + r.audio().length
              + " bytes, more than the "
              + MAX_FILE_BYTES
              + " one transcription takes");
    }
    boolean azure = OpenAiChatAdapter.isAzure(model);
    String boundary = boundary(r.audio());
    Form form = new Form(boundary);
    if (!azure) {
      form.field("model", model.apiName());
    }
    // Always JSON: the usage (what the call cost) comes only with it.
    form.field("response_format", "json");
    if (r.language() != null) {
      form.field("language", r.language());
    }
    if (r.prompt() != null) {
      form.field("prompt", r.prompt());
    }
    if (r.temperature() != null) {
      form.field("temperature", Double.toString(r.temperature()));
    }
    // The file last, after the fields, as the official SDKs (httpx) write a form.
    form.file("file", r.fileName(), contentType(r.fileName()), r.audio());
    String path = "/audio/transcriptions";
    if (azure) {
      path +=
          "?api-version="
              + System.getenv()
                  .getOrDefault("AZURE_OPENAI_API_VERSION", OpenAiChatAdapter.AZURE_API_VERSION);
    }
    HttpCall c = caller.call(model, r.credentials(), r.extraHeaders(), "POST", path, "");
    Map<String, String> headers = new LinkedHashMap<>();
    c.headers()
        .forEach(
            (k, v) -> {
              // The multipart type with its boundary replaces the JSON one every call starts with.
              if (!k.equalsIgnoreCase("content-type")) {
                headers.put(k, v);
              }
            });
    headers.put("content-type", "multipart/form-data; boundary=" + boundary);
    return HttpCall.binary(c.method(), c.uri(), headers, form.close());
  }

  @Override
  public Transcribed parse(TranscriptionRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    JsonNode text = root.get("text");
    if (text == null || !text.isTextual()) {
      throw new ProviderException(
          ApiError.of(ErrorKind.INVALID_RESPONSE, API + " answer has no \"text\""));
    }
    JsonNode usage = root.path("usage");
    if ("duration".equals(usage.path("type").asText())) {
      return new Transcribed(text.asText(), usage.path("seconds").asDouble(0), 0, 0, 0);
    }
    long input = usage.path("input_tokens").asLong(0);
    JsonNode details = usage.path("input_token_details");
    long textTokens = details.path("text_tokens").asLong(0);
    // Without the details every input token is taken as audio, the dearer kind.
    long audioTokens =
        details.has("audio_tokens")
            ? details.path("audio_tokens").asLong(0)
            : Math.max(0, input - textTokens);
    return new Transcribed(
        text.asText(),
        // Some compatible servers answer verbose_json-style with a top-level duration.
        root.path("duration").asDouble(0),
        textTokens,
        audioTokens,
        usage.path("output_tokens").asLong(0));
  }

  /** The content type of an audio file by its extension; octet-stream for an unknown one. */
  static String contentType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /** A random boundary that does not occur in the file (RFC 2046 requires it). */
  private static String boundary(byte[] audio) {
    while (true) {
      byte[] b = new byte[16];
      RANDOM.nextBytes(b);
      String boundary = "beam-llm-io-" + HexFormat.of().formatHex(b);
      if (indexOf(audio, ("--" + boundary).getBytes(StandardCharsets.US_ASCII)) < 0) {
        return boundary;
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A {@code multipart/form-data} body (RFC 7578) written part by part. */
  private static final class Form {
    private final String boundary;
    private final ByteArrayOutputStream out;

    Form(String boundary) {
      this.boundary = boundary;
      this.out = new ByteArrayOutputStream(1024);
    }

    void field(String name, String value) {
      head("Content-Disposition: form-data; name=\"" + name + "\"\r\n");
      out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      out.writeBytes(CRLF);
    }

    void file(String name, String fileName, String contentType, byte[] content) {
      head(
          "Content-Disposition: form-data; name=\""
              + name
              + "\"; filename=\""
              + quoted(fileName)
              + "\"\r\nContent-Type: "
              + contentType
              + "\r\n");
      out.writeBytes(content);
      out.writeBytes(CRLF);
    }

    private void head(String headers) {
      out.writeBytes(
          ("--" + boundary + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    byte[] close() {
      out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }

    /**
     * The file's base name, with what would end the quoted header value (a quote, a line break)
     * replaced: the name is the user's, the header line is ours.
     */
    private static String quoted(String fileName) {
      String base =
          fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
      return base.replaceAll("[\"\\r\\n\\\\]", "_");
    }

    private static final byte[] CRLF = {'\r', '\n'};
  }
}
