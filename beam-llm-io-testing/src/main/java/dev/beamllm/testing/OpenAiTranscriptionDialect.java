package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI audio transcription ({@code POST /v1/audio/transcriptions}, and every OpenAI-compatible
 * API): a {@code multipart/form-data} body with {@code file} (an audio file of at most 25 MB whose
 * name ends in flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav or webm) and {@code model},
 * optionally {@code language}, {@code prompt}, {@code response_format} ({@code json} by default,
 * {@code text}, {@code srt}, {@code verbose_json}, {@code vtt}; the gpt-4o transcribe models take
 * only {@code json} and {@code text}) and {@code temperature} (0 to 1). The transcript is {@link
 * AudioTranscript}'s. Usage as OpenAI reports it: the gpt-4o models {@code {"type": "tokens",
 * "input_tokens", "input_token_details": {"text_tokens", "audio_tokens"}, "output_tokens",
 * "total_tokens"}}, with 10 audio tokens per second of audio (the fake's rate) and the prompt's
 * tokens as text tokens; whisper-1 {@code {"type": "duration", "seconds"}}, whole seconds rounded
 * up. Errors are OpenAI's, with its messages for a missing field and an unsupported file; a file
 * over 25 MB is its 413. Shapes: openai-python's {@code Transcription}, {@code
 * TranscriptionVerbose}; reference:
 * platform.openai.com/docs/api-reference/audio/createTranscription.
 */
final class OpenAiTranscriptionDialect implements Dialect {
  /** The largest file OpenAI takes, 25 MiB. */
  static final int MAX_FILE_BYTES = 25 * 1024 * 1024;

  static final List<String> FORMATS =
      List.of("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm");
  private static final List<String> RESPONSE_FORMATS =
      List.of("json", "text", "srt", "verbose_json", "vtt");
  private static final int AUDIO_TOKENS_PER_SECOND = 10;

  /** {@link ProviderError#code} of a file over the size limit, answered as a 413. */
  private static final String TOO_LARGE = "content_size_limit";

  private static final Map<String, String> LANGUAGES =
      Map.of(
          "en", "english",
          "fr", "french",
          "de", "german",
          "es", "spanish",
          "it", "italian",
          "pt", "portuguese",
          "nl", "dutch",
          "ja", "japanese",
          "zh", "chinese",
          "ko", "korean");

  @Override
  public String name() {
    return "openai-transcriptions";
  }

  /**
   * The transcript as one user message and no output tokens; the input tokens are the audio's and
   * the prompt's. What the answer needs travels in the options.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    Multipart form = Multipart.of(request);
    if (form == null) {
      throw ProviderError.badRequest("Could not parse multipart form", null);
    }
    Multipart.Part file = form.part("file");
    if (file == null || file.filename() == null) {
      throw missing("file");
    }
    String model = form.field("model");
    if (model == null) {
      throw missing("model");
    }
    if (file.content().length > MAX_FILE_BYTES) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Maximum content size limit ("
              + MAX_FILE_BYTES
              + ") exceeded ("
              + file.content().length
              + " bytes read)",
          null,
          TOO_LARGE);
    }
    String name = file.filename();
    String extension =
        name.lastIndexOf('.') < 0
            ? ""
            : name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(extension)) {
      throw ProviderError.badRequest(
          "Invalid file format. Supported formats: "
              + FORMATS.stream().map(f -> "'" + f + "'").toList(),
          null);
    }
    String format = form.field("response_format");
    if (format == null) {
      format = "json";
    }
    if (!RESPONSE_FORMATS.contains(format)) {
      throw ProviderError.badRequest(
          "'"
              + format
              + "' is not one of "
              + RESPONSE_FORMATS.stream().map(f -> "'" + f + "'").toList()
              + " - 'response_format'",
          "response_format");
    }
    boolean tokens = billedByTokens(model);
    if (tokens && !format.equals("json") && !format.equals("text")) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "response_format '"
              + format
              + "' is not compatible with model '"
              + model
              + "'. Use 'json' or 'text' instead.",
          "response_format",
          "unsupported_value");
    }
    temperature(form.field("temperature"));
    String language = form.field("language");
    String prompt = form.field("prompt");
    AudioTranscript heard = AudioTranscript.of(name, file.content());
    long audioTokens = (long) Math.ceil(heard.seconds() * AUDIO_TOKENS_PER_SECOND);
    long promptTokens = prompt == null ? 0 : TokenCounter.count(prompt);
    ObjectNode options =
        Json.object()
            .put("response_format", format)
            .put("tokens", tokens)
            .put("text", heard.text())
            .put("seconds", heard.seconds())
            .put("audio_tokens", audioTokens)
            .put("text_tokens", promptTokens)
            .put("language", LANGUAGES.getOrDefault(language == null ? "en" : language, language));
    return ParsedRequest.ofInputs(
        model,
        Conversation.of(Message.user(heard.text())),
        audioTokens + promptTokens,
        Json.write(options));
  }

  /** The gpt-4o transcribe models bill tokens; whisper-1 bills seconds of audio. */
  static boolean billedByTokens(String model) {
    return model.startsWith("gpt-");
  }

  /** OpenAI's validation message for a missing form field. */
  private static ProviderError missing(String field) {
    return ProviderError.badRequest(
        "1 validation error for Request\nbody -> "
            + field
            + "\n  field required (type=value_error.missing)",
        null);
  }

  private static void temperature(String value) {
    if (value == null) {
      return;
    }
    double t;
    try {
      t = Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      t = Double.NaN;
    }
    if (!(t >= 0 && t <= 1)) {
      throw ProviderError.badRequest(
          "Invalid 'temperature': expected a number between 0 and 1, got " + value, "temperature");
    }
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode o = Json.parse(request.options());
    String text = o.get("text").asText();
    double seconds = o.get("seconds").asDouble();
    String id = Bodies.id("transcription-", request.conversation().fingerprint() + request.model());
    Map<String, String> headers = OpenAiChatDialect.headers(limits, id);
    String body =
        switch (o.get("response_format").asText()) {
          case "text" -> text + "\n";
          case "srt" -> "1\n" + srtTime(0) + " --> " + srtTime(seconds) + "\n" + text + "\n\n";
          case "vtt" ->
              "WEBVTT\n\n"
                  + srtTime(0).replace(',', '.')
                  + " --> "
                  + srtTime(seconds).replace(',', '.')
                  + "\n"
                  + text
                  + "\n\n";
          default -> null;
        };
    if (body != null) {
      return new FakeHttpResponse(
          200, new LinkedHashMap<>(headers), body, "text/plain; charset=utf-8");
    }
    ObjectNode root = Json.object();
    if (o.get("response_format").asText().equals("verbose_json")) {
      root.put("task", "transcribe").put("language", o.get("language").asText());
      root.put("duration", seconds).put("text", text);
      ObjectNode segment = root.putArray("segments").addObject();
      segment.put("id", 0).put("seek", 0).put("start", 0.0).put("end", seconds);
      segment.put("text", text);
      segment.putArray("tokens");
      segment.put("temperature", 0.0).put("avg_logprob", -0.1);
      segment.put("compression_ratio", 1.0).put("no_speech_prob", 0.0);
    } else {
      root.put("text", text);
    }
    ObjectNode usage = root.putObject("usage");
    if (o.get("tokens").asBoolean()) {
      long output = TokenCounter.count(text);
      long input = answer.totalInputTokens();
      usage.put("type", "tokens").put("input_tokens", input);
      usage
          .putObject("input_token_details")
          .put("text_tokens", o.get("text_tokens").asLong())
          .put("audio_tokens", o.get("audio_tokens").asLong());
      usage.put("output_tokens", output).put("total_tokens", input + output);
    } else {
      usage.put("type", "duration").put("seconds", (long) Math.ceil(seconds));
    }
    return FakeHttpResponse.json(200, Json.write(root)).withHeaders(headers);
  }

  /** {@code HH:MM:SS,mmm}, as SRT writes times. */
  private static String srtTime(double seconds) {
    long ms = Math.round(seconds * 1000);
    return String.format(
        Locale.ROOT,
        "%02d:%02d:%02d,%03d",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return OpenAiChatDialect.openAiError(kind, message, param, limits);
  }

  /** A file over the limit is OpenAI's 413, from its front end; the rest as any OpenAI error. */
  @Override
  public FakeHttpResponse error(ProviderError e) {
    if (TOO_LARGE.equals(e.code)) {
      ObjectNode body = Json.object();
      ObjectNode error = body.putObject("error");
      error.put("message", e.getMessage()).put("type", "server_error");
      error.putNull("param");
      error.putNull("code");
      return FakeHttpResponse.json(413, Json.write(body));
    }
    return OpenAiChatDialect.openAiError(
        e.kind, e.getMessage(), e.param, e.code, RateLimitState.UNLIMITED);
  }
}
