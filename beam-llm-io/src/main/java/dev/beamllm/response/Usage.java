package dev.beamllm.response;

import java.io.Serializable;

/**
 * Token counts of one request, as the provider reported them. Whether {@code inputTokens} includes
 * the cached tokens depends on the provider (OpenAI and Gemini: yes; Anthropic and Bedrock: no);
 * the model registry applies the right rule when it prices usage.
 *
 * @param inputTokens prompt tokens as reported
 * @param outputTokens completion tokens, including reasoning tokens
 * @param cacheReadTokens prompt tokens read from the provider's prompt cache
 * @param cacheWriteTokens prompt tokens written to the provider's prompt cache
 * @param audioInputTokens the prompt tokens that were audio (part of {@code inputTokens}), which
 *     providers price apart from text: OpenAI's {@code prompt_tokens_details.audio_tokens},
 *     Gemini's {@code AUDIO} modality
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long audioInputTokens)
    implements Serializable {

  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  /** Checks the counts are not negative, and the audio within the input. */
  public Usage {
    if (inputTokens < 0
        || outputTokens < 0
        || cacheReadTokens < 0
        || cacheWriteTokens < 0
        || audioInputTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
    if (audioInputTokens > inputTokens) {
      throw new IllegalArgumentException(
          "audio input tokens (" + audioInputTokens + ") exceed the input (" + inputTokens + ")");
    }
  }

  /** Usage of a prompt without audio. */
  public Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    this(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, 0);
  }

  /** Usage without prompt caching. */
  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0);
  }

  /** The sum of two usages. */
  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        audioInputTokens + other.audioInputTokens);
  }
}
