package dev.beamllm.model;

/**
 * How many tokens an image, video frame or PDF page may take, for providers that let the caller
 * trade detail for cost (Gemini's {@code generationConfig.mediaResolution}). Other providers are
 * not sent it.
 */
public enum MediaResolution {
  LOW,
  MEDIUM,
  HIGH;

  /** Gemini's name for it: {@code MEDIA_RESOLUTION_LOW}, ... */
  public String geminiName() {
    return "MEDIA_RESOLUTION_" + name();
  }
}
