package dev.beamllm.model;

import dev.beamllm.prompt.TokenCounter;
import java.util.Locale;

/** The HTTP API shape a model is reached through. */
public enum WireFormat {
  /** OpenAI chat completions, and every OpenAI-compatible endpoint. */
  OPENAI("openai", true, TokenCounter.ImageRule.OPENAI),
  /** OpenAI Responses API. */
  OPENAI_RESPONSES("openai-responses", true, TokenCounter.ImageRule.OPENAI),
  /** Anthropic Messages. */
  ANTHROPIC("anthropic", false, TokenCounter.ImageRule.ANTHROPIC),
  /** Google Gemini generateContent. */
  GEMINI("gemini", true, TokenCounter.ImageRule.GEMINI),
  /** Mistral chat completions. */
  MISTRAL("mistral", true, TokenCounter.ImageRule.OPENAI),
  /** Cohere v2 chat. */
  COHERE("cohere", true, TokenCounter.ImageRule.OPENAI),
  /** Anthropic models on Amazon Bedrock through {@code invoke}. */
  BEDROCK_ANTHROPIC("bedrock-anthropic", false, TokenCounter.ImageRule.ANTHROPIC),
  /** Other Amazon Bedrock models through the Converse API. */
  BEDROCK_CONVERSE("bedrock-converse", false, TokenCounter.ImageRule.ANTHROPIC),
  /** Voyage AI's embeddings and rerank (it has no chat API). */
  VOYAGE("voyage", true, TokenCounter.ImageRule.OPENAI),
  /** Jina AI's embeddings and rerank (it has no chat API). */
  JINA("jina", true, TokenCounter.ImageRule.OPENAI);

  private final String wireName;
  private final boolean inputIncludesCached;
  private final TokenCounter.ImageRule imageRule;

  WireFormat(String wireName, boolean inputIncludesCached, TokenCounter.ImageRule imageRule) {
    this.wireName = wireName;
    this.inputIncludesCached = inputIncludesCached;
    this.imageRule = imageRule;
  }

  /** The name used in the registry JSON, e.g. {@code openai-responses}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Whether the provider's reported input tokens include the cache reads (OpenAI, Gemini: yes;
   * Anthropic and Bedrock report cache reads and writes apart from input tokens).
   */
  public boolean inputIncludesCached() {
    return inputIncludesCached;
  }

  /**
   * Whether this format can send a reasoning effort only by name (OpenAI's {@code reasoning_effort}
   * and {@code reasoning.effort}), so a reasoning model whose registry entry names no efforts takes
   * none. The other formats turn an effort into a thinking budget of their own (Anthropic, Gemini
   * 2.5, Bedrock) or do not send it (Mistral, Cohere), whatever the effort.
   */
  public boolean effortByNameOnly() {
    return this == OPENAI || this == OPENAI_RESPONSES;
  }

  /** How this API counts image tokens. */
  public TokenCounter.ImageRule imageRule() {
    return imageRule;
  }

  /** Parses a registry name such as {@code bedrock-converse}. */
  public static WireFormat parse(String name) {
    for (WireFormat f : values()) {
      if (f.wireName.equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown wire format '" + name + "'");
  }
}
