package dev.beamllm.provider.mistral;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.provider.openai.OpenAiChatFormat;

/**
 * Mistral chat completions {@code messages}: OpenAI's shape, except that {@code image_url} may be a
 * plain URL string, tool messages name their tool, and PDFs go as {@code document_url}. Reference:
 * docs.mistral.ai/api (chat completions).
 */
public final class MistralFormat {
  private MistralFormat() {}

  /** {@code {"messages": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    return OpenAiChatFormat.render(conversation, OpenAiChatFormat.Dialect.MISTRAL);
  }
}
