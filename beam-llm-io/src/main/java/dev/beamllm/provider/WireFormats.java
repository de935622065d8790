package dev.beamllm.provider;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.anthropic.AnthropicFormat;
import dev.beamllm.provider.anthropic.AnthropicImport;
import dev.beamllm.provider.bedrock.BedrockConverseFormat;
import dev.beamllm.provider.cohere.CohereFormat;
import dev.beamllm.provider.gemini.GeminiFormat;
import dev.beamllm.provider.mistral.MistralFormat;
import dev.beamllm.provider.openai.OpenAiChatFormat;
import dev.beamllm.provider.openai.OpenAiImport;
import dev.beamllm.provider.openai.OpenAiResponsesFormat;

/**
 * The exact JSON a conversation becomes in each provider's request: only the conversation's own
 * fields (system prompt and messages), without model, sampling parameters or tools, which the
 * adapters add. For looking at or checking what a provider will get; the adapters render through
 * the same code. Each method throws {@link UnsupportedPartException} when the API cannot carry one
 * of the conversation's parts, and {@link dev.beamllm.prompt.InvalidPromptException} when the
 * conversation is not valid.
 */
public final class WireFormats {
  private WireFormats() {}

  /** OpenAI chat completions: {@code {"messages": [...]}}. */
  public static String openAi(Conversation conversation) {
    return Json.write(OpenAiChatFormat.render(conversation));
  }

  /** OpenAI Responses: {@code instructions} and {@code input}. */
  public static String openAiResponses(Conversation conversation) {
    return Json.write(OpenAiResponsesFormat.render(conversation));
  }

  /**
   * Anthropic Messages, also the body of Claude on Bedrock: {@code system} and {@code messages}.
   */
  public static String anthropic(Conversation conversation) {
    return Json.write(AnthropicFormat.render(conversation));
  }

  /** Gemini generateContent: {@code systemInstruction} and {@code contents}. */
  public static String gemini(Conversation conversation) {
    return Json.write(GeminiFormat.render(conversation));
  }

  /** Mistral chat completions: OpenAI's {@code messages} in Mistral's dialect. */
  public static String mistral(Conversation conversation) {
    return Json.write(MistralFormat.render(conversation));
  }

  /** Cohere v2 chat: {@code {"messages": [...]}}. */
  public static String cohere(Conversation conversation) {
    return Json.write(CohereFormat.render(conversation));
  }

  /** Amazon Bedrock Converse: {@code system} and {@code messages}. */
  public static String bedrockConverse(Conversation conversation) {
    return Json.write(BedrockConverseFormat.render(conversation));
  }

  /**
   * Imports an OpenAI chat completions {@code messages} array (or a request body holding one):
   * text, {@code image_url}, {@code file}, {@code tool_calls}, {@code tool} messages and DeepSeek's
   * {@code reasoning_content}.
   */
  public static Conversation fromOpenAi(String json) {
    return OpenAiImport.parse(json);
  }

  /**
   * Imports an Anthropic {@code messages} array, or a request body with {@code system} and {@code
   * messages}.
   */
  public static Conversation fromAnthropic(String json) {
    return AnthropicImport.parse(json);
  }
}
