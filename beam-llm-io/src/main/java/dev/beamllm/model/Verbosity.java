package dev.beamllm.model;

import java.util.Locale;

/**
 * How long an answer should be, for models that take it (OpenAI's GPT-5 family: {@code verbosity}
 * in chat completions, {@code text.verbosity} in the Responses API). Other providers are not sent
 * it.
 */
public enum Verbosity {
  LOW,
  MEDIUM,
  HIGH;

  /** The lowercase name OpenAI takes. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
