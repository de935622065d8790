package dev.beamllm.testing;

import java.util.List;

/** Every endpoint the fake provider serves. */
final class Routes {
  private Routes() {}

  static List<Route> all(Batches batches) {
    OpenAiChatDialect openAi = new OpenAiChatDialect(false);
    OpenAiResponsesDialect responses = new OpenAiResponsesDialect();
    AnthropicDialect anthropic = new AnthropicDialect();
    AnthropicBatches messageBatches = new AnthropicBatches(batches, anthropic);
    OpenAiBatches openAiBatches = new OpenAiBatches(batches, openAi, responses);
    GeminiDialect gemini = new GeminiDialect(false);
    GeminiBatches geminiBatches = new GeminiBatches(batches, gemini);
    return List.of(
        Route.of(
            "POST",
            "/v1/chat/completions",
            openAi,
            "OpenAI chat completions (and every OpenAI-compatible API)"),
        Route.of(
            "POST",
            "/openai/deployments/([^/]+)/chat/completions",
            new OpenAiChatDialect(true),
            "Azure OpenAI chat completions (api-key header, ?api-version=)"),
        Route.of(
            "POST",
            "/v1/responses",
            responses,
            "OpenAI Responses API (stateless but for background mode: no previous_response_id)"),
        Route.side(
            "GET",
            "/v1/responses/([^/]+)",
            responses,
            responses::retrieve,
            "OpenAI Responses: a background response's state"),
        Route.side(
            "POST",
            "/v1/responses/([^/]+)/cancel",
            responses,
            responses::cancel,
            "OpenAI Responses: cancel a background response"),
        Route.side(
            "POST",
            "/v1/files",
            openAi,
            openAiBatches::upload,
            "OpenAI Files: upload a batch's JSONL (multipart, purpose=batch)"),
        Route.side("GET", "/v1/files/([^/]+)", openAi, openAiBatches::file, "OpenAI Files: a file"),
        Route.side(
            "GET",
            "/v1/files/([^/]+)/content",
            openAi,
            openAiBatches::content,
            "OpenAI Files: a file's content"),
        Route.side(
            "POST",
            "/v1/batches",
            openAi,
            openAiBatches::create,
            "OpenAI Batch API: create a batch of chat completions or responses"),
        Route.side(
            "GET",
            "/v1/batches/([^/]+)",
            openAi,
            openAiBatches::retrieve,
            "OpenAI Batch API: a batch"),
        Route.side(
            "POST",
            "/v1/batches/([^/]+)/cancel",
            openAi,
            openAiBatches::cancel,
            "OpenAI Batch API: cancel a batch"),
        Route.of(
            "POST",
            "/v1/embeddings",
            new OpenAiEmbeddingsDialect(),
            "OpenAI embeddings (deterministic unit vectors)"),
        Route.of(
            "POST",
            "/v1/audio/transcriptions",
            new OpenAiTranscriptionDialect(),
            "OpenAI audio transcriptions (multipart; transcript from a TRANSCRIPT: marker or the"
                + " file name)"),
        Route.of(
            "POST",
            "/mistral/v1/chat/completions",
            new MistralDialect(),
            "Mistral chat completions (base URL {server}/mistral/v1)"),
        Route.of(
            "POST",
            "/mistral/v1/embeddings",
            new MistralEmbeddingsDialect(),
            "Mistral embeddings (mistral-embed, codestral-embed)"),
        Route.of(
            "POST",
            "/v1/messages",
            anthropic,
            "Anthropic Messages (x-api-key, anthropic-version header)"),
        Route.side(
            "POST",
            "/v1/messages/batches",
            anthropic,
            messageBatches::create,
            "Anthropic Message Batches: create a batch"),
        Route.side(
            "GET",
            "/v1/messages/batches/([^/]+)",
            anthropic,
            messageBatches::retrieve,
            "Anthropic Message Batches: a batch"),
        Route.side(
            "GET",
            "/v1/messages/batches/([^/]+)/results",
            anthropic,
            messageBatches::results,
            "Anthropic Message Batches: a batch's results (JSONL)"),
        Route.side(
            "POST",
            "/v1/messages/batches/([^/]+)/cancel",
            anthropic,
            messageBatches::cancel,
            "Anthropic Message Batches: cancel a batch"),
        Route.of(
            "POST",
            "/model/([^/]+)/invoke",
            new BedrockInvokeModels(),
            "Bedrock InvokeModel: Claude, Titan Text Embeddings, Cohere Embed v3 bodies (SigV4 or"
                + " Bearer API key)"),
        Route.of(
            "POST",
            "/model/([^/]+)/converse",
            new BedrockConverseDialect(),
            "Bedrock Converse (SigV4 or Bearer API key)"),
        Route.of(
            "POST",
            "/v1beta/models/([^/:]+):generateContent",
            gemini,
            "Gemini generateContent (x-goog-api-key header or ?key=)"),
        Route.side(
            "POST",
            "/v1beta/models/([^/:]+):batchGenerateContent",
            gemini,
            geminiBatches::create,
            "Gemini batch mode: create a batch of inline generateContent requests"),
        Route.side(
            "GET",
            "/v1beta/batches/([^/:]+)",
            gemini,
            geminiBatches::retrieve,
            "Gemini batch mode: a batch's operation"),
        Route.side(
            "POST",
            "/v1beta/batches/([^/:]+):cancel",
            gemini,
            geminiBatches::cancel,
            "Gemini batch mode: cancel a batch"),
        Route.of(
            "POST",
            "/v1beta/models/([^/:]+):embedContent",
            new GeminiEmbeddingsDialect(false),
            "Gemini embeddings, one content"),
        Route.of(
            "POST",
            "/v1beta/models/([^/:]+):batchEmbedContents",
            new GeminiEmbeddingsDialect(true),
            "Gemini embeddings, up to " + GeminiEmbeddingsDialect.MAX_BATCH + " requests a call"),
        Route.of(
            "POST",
            "/v1beta/models/([^/:]+):streamGenerateContent",
            new GeminiDialect(true),
            "Gemini streamGenerateContent (?alt=sse for server-sent events)"),
        Route.of("POST", "/v2/chat", new CohereChatDialect(), "Cohere v2 chat"),
        Route.of("POST", "/v2/embed", new CohereEmbedDialect(), "Cohere v2 embed"),
        Route.of("POST", "/v2/rerank", new CohereRerankDialect(2), "Cohere v2 rerank"),
        Route.of("POST", "/v1/rerank", new CohereRerankDialect(1), "Cohere v1 rerank"),
        Route.of(
            "POST",
            "/voyage/v1/embeddings",
            new TokenEmbeddingsDialect(true),
            "Voyage AI embeddings (base URL {server}/voyage/v1)"),
        Route.of("POST", "/voyage/v1/rerank", new TokenRerankDialect(true), "Voyage AI rerank"),
        Route.of(
            "POST",
            "/jina/v1/embeddings",
            new TokenEmbeddingsDialect(false),
            "Jina AI embeddings (base URL {server}/jina/v1)"),
        Route.of("POST", "/jina/v1/rerank", new TokenRerankDialect(false), "Jina AI rerank"));
  }

  /**
   * A route's path for display: the model group shown as {model}, a side endpoint's as {id} (but
   * under {@code models/}, as Gemini's batch creation).
   */
  static String display(Route r) {
    String group = r.side() != null ? "{id}" : "{model}";
    return r.pattern()
        .pattern()
        .replace("models/([^/:]+)", "models/{model}")
        .replace("([^/]+)", group)
        .replace("([^/:]+)", group)
        .replace("\\", "");
  }
}
