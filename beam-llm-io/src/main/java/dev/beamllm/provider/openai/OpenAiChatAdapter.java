package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.ServiceTiers;
import dev.beamllm.response.ApiError;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat completions, and every OpenAI-compatible API (Together, Groq, DeepSeek, Fireworks,
 * xAI, OpenRouter, Cerebras, vLLM, Ollama) and Azure OpenAI ({@code api-key} header, deployment
 * URL, {@code api-version}). Streams as server-sent chunks with the usage in the last one (see
 * {@link OpenAiChatStreamDecoder}). OpenAI's own models also run in its Batch API ({@link
 * OpenAiBatch}). Reference: platform.openai.com/docs/api-reference/chat/create.
 */
public final class OpenAiChatAdapter extends BaseAdapter implements BatchApi {
  /**
   * The Azure OpenAI API version for models that do not reason, unless {@code
   * AZURE_OPENAI_API_VERSION} says otherwise: the latest generally available one.
   */
  static final String AZURE_API_VERSION = "2024-10-21";

  /** The Batch API of chat completions, making its calls as this adapter does. */
  private final OpenAiBatch batch =
      new OpenAiBatch(
          WireFormat.OPENAI,
          this::call,
          this::unstreamedBody,
          r -> URI.create(baseUrl(r) + path(r)).getPath());

  /** OpenAI's (and Azure's, and the compatible servers') embeddings, called as this adapter. */
  private final EmbeddingApi embeddings = new OpenAiEmbeddings(this::call);

  /** OpenAI's (and Azure's, and the compatible servers') transcriptions, called as this adapter. */
  private final TranscriptionApi transcriptions = new OpenAiTranscriptions(this::call);

  /**
   * The Azure OpenAI API version for reasoning models (o-series, gpt-5), unless {@code
   * AZURE_OPENAI_API_VERSION} says otherwise: Azure serves them only from 2024-12-01-preview on
   * ("Model o3 is enabled only for api versions 2024-12-01-preview and later"), and this, the
   * latest dated preview, also takes what they need since (learn.microsoft.com/azure/ai-services
   * /openai/api-version-lifecycle).
   */
  static final String AZURE_REASONING_API_VERSION = "2025-04-01-preview";

  /**
   * Providers that take {@code max_completion_tokens}; the compatible APIs mostly know only {@code
   * max_tokens}.
   */
  private static final Set<String> MAX_COMPLETION_TOKENS = Set.of("openai", "azure");

  /**
   * The {@code api_base}; for Azure with its {@code {deployment}} (the model's API name) and {@code
   * {resource}} (the {@code AZURE_OPENAI_RESOURCE} variable) filled in; for Cloudflare Workers AI
   * with its {@code {account_id}} (the {@code CLOUDFLARE_ACCOUNT_ID} variable).
   */
  @Override
  protected String baseUrl(ProviderRequest r) {
    return fillBase(super.baseUrl(r), r.model(), System.getenv());
  }

  /**
   * {@code base} with the placeholders of {@link #baseUrl} filled from {@code env}: {@code
   * {deployment}} and {@code {resource}} for Azure, {@code {account_id}} (Cloudflare's {@code
   * https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1}) for any model.
   */
  static String fillBase(String base, ModelSpec model, Map<String, String> env) {
    if (base.contains("{account_id}")) {
      base = base.replace("{account_id}", env.getOrDefault("CLOUDFLARE_ACCOUNT_ID", ""));
    }
    if (!isAzure(model)) {
      return base;
    }
    base = base.replace("{deployment}", model.apiName());
    return base.replace("{resource}", env.getOrDefault("AZURE_OPENAI_RESOURCE", ""));
  }

  /**
   * {@code /chat/completions}; for Azure with {@code api-version}, from {@code
   * AZURE_OPENAI_API_VERSION} or else the model's default ({@link #azureApiVersion}).
   */
  @Override
  protected String path(ProviderRequest r) {
    if (isAzure(r.model())) {
      String version =
          System.getenv().getOrDefault("AZURE_OPENAI_API_VERSION", azureApiVersion(r.model()));
      return "/chat/completions?api-version=" + version;
    }
    return "/chat/completions";
  }

  /**
   * The Azure API version a model gets by default: {@link #AZURE_REASONING_API_VERSION} for a
   * reasoning model, which older versions refuse, else {@link #AZURE_API_VERSION}.
   */
  static String azureApiVersion(ModelSpec model) {
    return model.capabilities().reasoning() ? AZURE_REASONING_API_VERSION : AZURE_API_VERSION;
  }

  /** The key as a bearer token, or in {@code api-key} for Azure. */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    boolean azure = isAzure(r.model());
    Map<String, String> headers = new LinkedHashMap<>();
    r.credentials()
        .key()
        .ifPresent(
            k -> headers.put(azure ? "api-key" : "authorization", azure ? k : "Bearer " + k));
    return headers;
  }

  @Override
  protected ObjectNode body(ProviderRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object();
    boolean azure = isAzure(model);
    if (!azure) {
      body.put("model", model.apiName());
    }
    body.setAll(OpenAiChatFormat.render(r.conversation()));
    addSampling(body, r);
    if (!r.tools().isEmpty()) {
      body.set("tools", ChatCompletions.tools(r.tools()));
    }
    String tier = ServiceTiers.openAi(r.serviceTier());
    if (tier != null) {
      body.put("service_tier", tier);
    }
    if (r.stream()) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private static void addSampling(ObjectNode body, ProviderRequest r) {
    SamplingParams p = r.params();
    body.put(
        MAX_COMPLETION_TOKENS.contains(r.model().provider())
            ? "max_completion_tokens"
            : "max_tokens",
        r.maxOutputTokens());
    boolean reasoning = r.model().capabilities().reasoning();
    // Reasoning models refuse temperature and top_p other than the default.
    if (!reasoning) {
      p.temperature().ifPresent(t -> body.put("temperature", t));
      p.topP().ifPresent(t -> body.put("top_p", t));
    }
    // The effort as asked: the client has refused one the model does not take (EffortSupport).
    r.reasoningEffort()
        .filter(e -> reasoning)
        .ifPresent(e -> body.put("reasoning_effort", e.wireName()));
    p.verbosity()
        .filter(v -> takesVerbosity(r.model()))
        .ifPresent(v -> body.put("verbosity", v.wireName()));
    if (p.outputSchema().isPresent()) {
      ObjectNode schema =
          body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
      schema
          .put("name", "output")
          .put("strict", true)
          .set("schema", Json.parse(p.outputSchema().get()));
    } else if (p.jsonMode()) {
      body.putObject("response_format").put("type", "json_object");
    }
    if (p.logprobs()) {
      body.put("logprobs", true);
      p.topLogprobs().ifPresent(n -> body.put("top_logprobs", n));
    }
  }

  /**
   * Whether the model takes a verbosity: OpenAI's GPT-5 family, on OpenAI or Azure. Others are not
   * sent it, as it only shapes the length of an answer
   * (platform.openai.com/docs/guides/latest-model).
   */
  static boolean takesVerbosity(ModelSpec model) {
    return (model.provider().equals("openai") || model.provider().equals("azure"))
        && model.apiName().startsWith("gpt-5");
  }

  static boolean isAzure(ModelSpec model) {
    return model.provider().equals("azure") || model.apiBase().contains("/openai/deployments/");
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body("OpenAI chat", answer);
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw Errors.unreadable("OpenAI chat", new IllegalStateException("no choices"));
    }
    return new ParsedAnswer(
        ChatCompletions.message(choice.path("message")),
        ChatCompletions.finishReason(choice),
        ChatCompletions.usage(root.path("usage")),
        ChatCompletions.logprobs(choice.path("logprobs").path("content")),
        root.path("service_tier").asText(null));
  }

  @Override
  public StreamDecoder streamDecoder(ProviderRequest r) {
    return new OpenAiChatStreamDecoder();
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    String code = "";
    String type = "";
    try {
      JsonNode e = Json.parse(answer.body()).path("error");
      message = e.path("message").asText(message);
      code = e.path("code").asText("");
      type = e.path("type").asText("");
    } catch (InvalidPromptException notJson) {
      // keep the status as the message
    }
    if (code.equals("context_length_exceeded")) {
      message = "context length exceeded: " + message;
    } else if (code.equals("content_filter")) {
      message = "content filter: " + message;
    }
    return Errors.classify(answer, message, code, type);
  }

  @Override
  public RateLimitInfo rateLimits(HttpAnswer a) {
    return new RateLimitInfo(
        ChatCompletions.headerNumber(a, "x-ratelimit-limit-requests"),
        ChatCompletions.headerNumber(a, "x-ratelimit-remaining-requests"),
        ChatCompletions.headerNumber(a, "x-ratelimit-limit-tokens"),
        ChatCompletions.headerNumber(a, "x-ratelimit-remaining-tokens"));
  }

  /**
   * The embedding endpoint of OpenAI, Azure OpenAI and the compatible servers ({@code
   * /embeddings}), making its calls as this adapter makes its own (same key, Azure deployment URL
   * and version and extra headers). An accessor rather than an interface of the adapter, whose
   * {@code parse} already reads chat answers.
   */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /**
   * The audio transcription endpoint of this API ({@code /audio/transcriptions}), calling as this
   * adapter does; an accessor for the same reason as {@link #embeddingApi}.
   */
  public TranscriptionApi transcriptionApi() {
    return transcriptions;
  }

  @Override
  public boolean batches(ModelSpec model) {
    return batch.batches(model);
  }

  @Override
  public Limits limits() {
    return batch.limits();
  }

  @Override
  public String item(String customId, ProviderRequest r) {
    return batch.item(customId, r);
  }

  @Override
  public HttpCall upload(ProviderRequest r, List<String> items) {
    return batch.upload(r, items);
  }

  @Override
  public String uploadedId(HttpAnswer answer) {
    return batch.uploadedId(answer);
  }

  @Override
  public HttpCall create(ProviderRequest r, List<String> items, String uploadedId) {
    return batch.create(r, items, uploadedId);
  }

  @Override
  public Status status(HttpAnswer answer) {
    return batch.status(answer);
  }

  @Override
  public HttpCall poll(ProviderRequest r, String batchId) {
    return batch.poll(r, batchId);
  }

  @Override
  public HttpCall cancel(ProviderRequest r, String batchId) {
    return batch.cancel(r, batchId);
  }

  @Override
  public List<HttpCall> resultCalls(ProviderRequest r, Status status) {
    return batch.resultCalls(r, status);
  }

  @Override
  public Map<String, Outcome> results(HttpAnswer ended, List<HttpAnswer> fetched) {
    return batch.results(ended, fetched);
  }
}
