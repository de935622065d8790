package dev.beamllm.prompt;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Token counts for budgeting and estimates. Text is counted with a real BPE tokenizer (jtokkit's
 * o200k_base, or cl100k_base); images by each provider's documented formula; audio by its duration
 * times the provider's tokens per second (see {@link ImageRule#audioTokensPerSecond}), the duration
 * read from a WAV header or estimated from the size (see {@link Audio#seconds}). Counts are exact
 * for OpenAI's text and approximate for other providers, whose tokenizers are not public: they
 * typically land within ~10–20% of o200k for English.
 */
public final class TokenCounter {
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  /** Overhead OpenAI documents per message (role and separators), and for priming the reply. */
  static final int PER_MESSAGE = 3;

  static final int REPLY_PRIMING = 3;

  /** Text tokenizers. */
  public enum Tokenizer {
    /** GPT-4o and later. */
    O200K(EncodingType.O200K_BASE),
    /** GPT-4 and GPT-3.5. */
    CL100K(EncodingType.CL100K_BASE);

    private final EncodingType type;
    private volatile Encoding encoding;

    Tokenizer(EncodingType type) {
      this.type = type;
    }

    /** The encoding, loaded once: the registry lookup is not free on a hot path. */
    Encoding encoding() {
      Encoding e = encoding;
      if (e == null) {
        e = REGISTRY.getEncoding(type);
        encoding = e;
      }
      return e;
    }
  }

  /** How a provider counts image, PDF-page and audio tokens. */
  public enum ImageRule {
    /**
     * OpenAI: {@code low} detail is 85 tokens; otherwise the image is fitted in 2048×2048, then its
     * short side scaled to 768, and each 512-px tile costs 170 plus a base of 85. Audio: 10 tokens
     * a second, from OpenAI's announced audio input price ($100 per million tokens, about $0.06 a
     * minute: 600 tokens a minute); OpenAI publishes no exact rule. Mistral's Voxtral (12.5 audio
     * frames a second) is close to it.
     */
    OPENAI(765, 10),
    /**
     * Anthropic: long side capped at 1568 px, then width × height / 750. Claude takes no audio; the
     * rate only keeps estimates of refused rows finite.
     */
    ANTHROPIC(1_600, 10),
    /**
     * Gemini: 258 tokens for an image of at most 384×384, else 258 per 768×768 tile; 258 per PDF
     * page; 32 tokens per second of audio (ai.google.dev/gemini-api/docs/audio).
     */
    GEMINI(258, 32);

    private final int pageTokens;
    private final int audioTokensPerSecond;

    ImageRule(int pageTokens, int audioTokensPerSecond) {
      this.pageTokens = pageTokens;
      this.audioTokensPerSecond = audioTokensPerSecond;
    }

    /** The tokens one second of audio input costs. */
    public int audioTokensPerSecond() {
      return audioTokensPerSecond;
    }

    /**
     * The image tokens one PDF page costs (rendered page images; approximate except for Gemini).
     */
    public int pageTokens() {
      return pageTokens;
    }
  }

  /**
   * Tokens guessed for media whose bytes are not here (URLs, file ids): a 1024×1024 image, or a
   * 3-page PDF.
   */
  static final int UNKNOWN_IMAGE_SIDE = 1024;

  static final int UNKNOWN_DOCUMENT_PAGES = 3;

  /** Seconds guessed for audio whose bytes are not here (a URI): one minute. */
  static final int UNKNOWN_AUDIO_SECONDS = 60;

  private TokenCounter() {}

  /** Tokens of text with o200k_base. */
  public static int count(String text) {
    return count(text, Tokenizer.O200K);
  }

  /** Tokens of text with the given tokenizer. */
  public static int count(String text, Tokenizer tokenizer) {
    return text.isEmpty() ? 0 : tokenizer.encoding().countTokensOrdinary(text);
  }

  /**
   * The input tokens of a conversation as a provider would count them: text by o200k_base plus
   * OpenAI's per-message overhead, images and PDF pages by the provider's rule, PDF text by its
   * extracted text. Tools and schemas are not included.
   */
  public static long estimate(Conversation conversation, ImageRule rule) {
    long total = REPLY_PRIMING;
    for (Message m : conversation.messages()) {
      total += PER_MESSAGE;
      for (Part part : m.parts()) {
        total += partTokens(part, rule);
      }
    }
    return total;
  }

  private static long partTokens(Part part, ImageRule rule) {
    if (part instanceof Text t) {
      return count(t.text());
    }
    if (part instanceof Image image) {
      return imageTokens(image, rule);
    }
    if (part instanceof File file) {
      return fileTokens(file, rule);
    }
    if (part instanceof Audio audio) {
      return audioTokens(audio, rule);
    }
    if (part instanceof ToolCall call) {
      return count(call.name()) + count(call.arguments()) + PER_MESSAGE;
    }
    if (part instanceof ToolResult result) {
      long sum = PER_MESSAGE;
      for (Part p : result.content()) {
        sum += partTokens(p, rule);
      }
      return sum;
    }
    if (part instanceof ServerToolUse use) {
      return count(use.name())
          + count(use.arguments())
          + (use.output() == null ? 0 : count(use.output()))
          + PER_MESSAGE;
    }
    return count(((Thinking) part).text());
  }

  /** The tokens one image costs under a provider's rule; URL images are assumed 1024×1024. */
  public static long imageTokens(Image image, ImageRule rule) {
    int[] size = image.dimensions().orElse(new int[] {UNKNOWN_IMAGE_SIDE, UNKNOWN_IMAGE_SIDE});
    return imageTokens(size[0], size[1], image.detail(), rule);
  }

  /** The tokens of an image of the given size under a provider's rule. */
  public static long imageTokens(int width, int height, Image.Detail detail, ImageRule rule) {
    switch (rule) {
      case OPENAI:
        {
          if (detail == Image.Detail.LOW) {
            return 85;
          }
          double w = width;
          double h = height;
          double fit = Math.min(1.0, 2048.0 / Math.max(w, h));
          w *= fit;
          h *= fit;
          double shortSide = Math.min(w, h);
          if (shortSide > 768) {
            w *= 768 / shortSide;
            h *= 768 / shortSide;
          }
          long tiles = (long) Math.ceil(w / 512) * (long) Math.ceil(h / 512);
          return 85 + 170 * tiles;
        }
      case ANTHROPIC:
        {
          double scale = Math.min(1.0, 1568.0 / Math.max(width, height));
          double w = width * scale;
          double h = height * scale;
          return (long) Math.ceil(w * h / 750.0);
        }
      case GEMINI:
      default:
        {
          if (width <= 384 && height <= 384) {
            return 258;
          }
          return 258L * (long) Math.ceil(width / 768.0) * (long) Math.ceil(height / 768.0);
        }
    }
  }

  /**
   * The audio tokens of a conversation's audio parts, already counted in {@link #estimate}; apart
   * so a cost estimate can price them at a model's audio rate.
   */
  public static long audioEstimate(Conversation conversation, ImageRule rule) {
    long total = 0;
    for (Message m : conversation.messages()) {
      for (Audio audio : m.partsOf(Audio.class)) {
        total += audioTokens(audio, rule);
      }
    }
    return total;
  }

  /**
   * The tokens a recording costs under a provider's rule: its duration (exact for WAV, else
   * estimated from the size; a minute for audio by URI) times the rule's tokens per second, rounded
   * up.
   */
  public static long audioTokens(Audio audio, ImageRule rule) {
    double seconds = audio.seconds().orElse((double) UNKNOWN_AUDIO_SECONDS);
    return (long) Math.ceil(seconds * rule.audioTokensPerSecond());
  }

  private static long fileTokens(File file, ImageRule rule) {
    if (file.isText()) {
      return count(file.text());
    }
    if (file.mediaType().filter(t -> t.startsWith("image/")).isPresent()) {
      return imageTokens(Image.fromBytes(file.bytes().orElseThrow()), rule);
    }
    return file.pdfStats()
        .map(s -> (long) s.pages() * rule.pageTokens() + count(s.text()))
        .orElse((long) UNKNOWN_DOCUMENT_PAGES * rule.pageTokens());
  }
}
