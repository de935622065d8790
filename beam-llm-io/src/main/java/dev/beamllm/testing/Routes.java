package dev.beamllm.testing;

import java.util.List;

/** Every endpoint the fake provider serves. */
final class Routes {
  private Routes() {}

  static List<Route> all() {
    OpenAiChatDialect openAi = new OpenAiChatDialect(false);
    return List.of(
        Route.of("POST", "/v1/chat/completions", openAi, "OpenAI chat completions (and every OpenAI-compatible API)"),
        Route.of("POST", "/openai/deployments/([^/]+)/chat/completions", new OpenAiChatDialect(true),
            "Azure OpenAI chat completions (api-key header, ?api-version=)"),
        Route.of("POST", "/v1beta/models/([^/:]+):generateContent", new GeminiDialect(false),
            "Gemini generateContent (x-goog-api-key header or ?key=)"),
        Route.of("POST", "/v1beta/models/([^/:]+):streamGenerateContent", new GeminiDialect(true),
            "Gemini streamGenerateContent (?alt=sse for server-sent events)"),
        Route.of("POST", "/v2/chat", new CohereChatDialect(), "Cohere v2 chat"),
        Route.of("POST", "/v2/embed", new CohereEmbedDialect(), "Cohere v2 embed"),
        Route.of("POST", "/v2/rerank", new CohereRerankDialect(2), "Cohere v2 rerank"),
        Route.of("POST", "/v1/rerank", new CohereRerankDialect(1), "Cohere v1 rerank"));
  }

  /** A route's path for display: the model group shown as {model}. */
  static String display(Route r) {
    return r.pattern().pattern().replace("([^/]+)", "{model}").replace("([^/:]+)", "{model}").replace("\\", "");
  }
}
