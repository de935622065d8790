package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.tool.BuiltinTool;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gemini {@code generateContent} and {@code streamGenerateContent?alt=sse} on the Gemini API (key
 * in {@code x-goog-api-key}). Output schemas and tool parameters go as {@code responseJsonSchema}
 * and {@code parametersJsonSchema}, which take JSON Schema as it is, where {@code responseSchema}
 * and {@code parameters} take only Google's OpenAPI subset with upper-case types. The reasoning
 * effort becomes {@code thinkingLevel} for models that list their levels (Gemini 3) and a {@code
 * thinkingBudget} for the others. The service tier is OpenAI's notion and is not sent. Batch mode
 * ({@link BatchApi}, JSON in {@link GeminiBatches}) takes the same bodies as inline requests.
 * Reference: ai.google.dev/api/generate-content, ai.google.dev/api/batch-mode.
 */
public final class GeminiAdapter extends BaseAdapter implements BatchApi {
  private static final String API = "Gemini generateContent";

  /** Gemini's batchEmbedContents, called as this adapter. */
  private final EmbeddingApi embeddings = new GeminiEmbeddings(this::call);

  /**
   * The embedding endpoint of the Gemini API ({@code batchEmbedContents}), making its calls as this
   * adapter makes its own (same key, version and extra headers). An accessor rather than an
   * interface of the adapter, whose {@code parse} already reads chat answers.
   */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /** The smallest budget of the models that cannot stop thinking (the Pro models). */
  private static final int PRO_MIN_BUDGET = 128;

  /**
   * The largest budget of the Pro models; Flash and Flash-Lite stop at {@link #FLASH_MAX_BUDGET}.
   */
  private static final int PRO_MAX_BUDGET = 32768;

  private static final int FLASH_MAX_BUDGET = 24576;

  /** {@code /models/{model}:generateContent}, or the stream's {@code :streamGenerateContent}. */
  @Override
  protected String path(ProviderRequest r) {
    String method = r.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent";
    return "/models/" + r.model().apiName() + method;
  }

  /** The key in {@code x-goog-api-key}. */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    Map<String, String> headers = new LinkedHashMap<>();
    r.credentials().key().ifPresent(k -> headers.put("x-goog-api-key", k));
    return headers;
  }

  @Override
  protected ObjectNode body(ProviderRequest r) {
    ObjectNode body = GeminiFormat.render(r.conversation());
    ObjectNode config = generationConfig(r);
    if (!config.isEmpty()) {
      body.set("generationConfig", config);
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      ArrayNode declarations = null;
      for (Tool t : r.tools()) {
        if (t.isComputerUse() || t.runsOnProvider()) {
          continue;
        }
        if (declarations == null) {
          declarations = tools.addObject().putArray("functionDeclarations");
        }
        ObjectNode d = declarations.addObject().put("name", t.name());
        if (!t.description().isEmpty()) {
          d.put("description", t.description());
        }
        d.set("parametersJsonSchema", Json.parse(t.parametersJson()));
      }
      for (Tool t : r.tools()) {
        if (t.isComputerUse()) {
          computerTool(tools, t.computerUse());
        } else if (t.runsOnProvider()) {
          tools.addObject().putObject(providerTool(t.builtin()));
        }
      }
    }
    return body;
  }

  /**
   * Gemini's own tool for a provider-run tool: {@code googleSearch} (grounding with Google Search)
   * for web search, {@code codeExecution} for the code interpreter. Neither takes settings, so one
   * with settings is refused rather than run more widely than asked.
   *
   * @throws UnsupportedOperationException for a setting Gemini's tool lacks
   */
  private static String providerTool(BuiltinTool tool) {
    if (tool instanceof WebSearch search) {
      if (search.maxUses().isPresent()
          || !search.allowedDomains().isEmpty()
          || !search.blockedDomains().isEmpty()) {
        throw new UnsupportedOperationException(
            "Gemini's Google Search takes no max uses and no allowed or blocked domains");
      }
      return "googleSearch";
    }
    CodeInterpreter code = (CodeInterpreter) tool;
    if (code.memoryLimit().isPresent()
        || !code.fileIds().isEmpty()
        || code.containerId().isPresent()) {
      throw new UnsupportedOperationException(
          "Gemini's code execution takes no memory limit, files or container");
    }
    return "codeExecution";
  }

  /** Google Search grounding and code execution. */
  @Override
  public boolean runs(BuiltinTool tool) {
    return tool instanceof WebSearch || tool instanceof CodeInterpreter;
  }

  /**
   * Gemini's computer tool, a tool of its own beside the function declarations: {@code
   * {"computerUse": {"environment": "ENVIRONMENT_BROWSER", "excludedPredefinedFunctions": [...]}}}
   * (ai.google.dev/gemini-api/docs/computer-use; the SDKs' {@code ComputerUse}). It takes no screen
   * size: Gemini's coordinates are on a 0-999 grid.
   */
  private static void computerTool(ArrayNode tools, ComputerUse computer) {
    ObjectNode c =
        tools
            .addObject()
            .putObject("computerUse")
            .put("environment", computer.environment().geminiName());
    if (!computer.geminiExcludedFunctions().isEmpty()) {
      computer.geminiExcludedFunctions().forEach(c.putArray("excludedPredefinedFunctions")::add);
    }
  }

  /**
   * The names of Gemini's predefined computer-use functions the model may call in answer to this
   * request: all of them less the excluded ones when it offers the computer tool, none otherwise; a
   * function the caller declares under the same name stays the caller's.
   */
  static Set<String> computerFunctions(ProviderRequest r) {
    Set<String> names = new HashSet<>();
    for (Tool t : r.tools()) {
      if (t.isComputerUse()) {
        names.addAll(ComputerUse.GEMINI_FUNCTIONS);
        names.removeAll(t.computerUse().geminiExcludedFunctions());
      }
    }
    for (Tool t : r.tools()) {
      if (!t.isComputerUse()) {
        names.remove(t.name());
      }
    }
    return names;
  }

  private static ObjectNode generationConfig(ProviderRequest r) {
    SamplingParams p = r.params();
    ObjectNode g = Json.object();
    g.put("maxOutputTokens", r.maxOutputTokens());
    p.temperature().ifPresent(t -> g.put("temperature", t));
    p.topP().ifPresent(t -> g.put("topP", t));
    if (p.outputSchema().isPresent()) {
      g.put("responseMimeType", "application/json");
      g.set("responseJsonSchema", Json.parse(p.outputSchema().get()));
    } else if (p.jsonMode()) {
      g.put("responseMimeType", "application/json");
    }
    // Models that do not think refuse a thinking config, so the effort only reaches those that do.
    // An explicit budget wins over the effort; the client has refused it for Gemini 3 (levels).
    if (p.thinkingBudget().isPresent() && r.model().capabilities().reasoning()) {
      int budget = p.thinkingBudget().get();
      ObjectNode thinking = g.putObject("thinkingConfig").put("thinkingBudget", budget);
      if (budget != 0) {
        thinking.put("includeThoughts", true);
      }
    } else {
      r.reasoningEffort()
          .filter(e -> r.model().capabilities().reasoning())
          .ifPresent(e -> g.set("thinkingConfig", thinkingConfig(e, r.model())));
    }
    p.mediaResolution().ifPresent(m -> g.put("mediaResolution", m.geminiName()));
    if (p.logprobs()) {
      g.put("responseLogprobs", true);
      p.topLogprobs().filter(n -> n > 0).ifPresent(n -> g.put("logprobs", n));
    }
    return g;
  }

  /**
   * {@code thinkingLevel} for the models that list their levels (Gemini 3), {@code thinkingBudget}
   * for the others (Gemini 2.5); never both, which Gemini refuses ("You can only set only one of
   * thinking budget and thinking level"), and never a level to a model without levels, which it
   * refuses too (ai.google.dev/gemini-api/docs/thinking).
   *
   * @throws UnsupportedOperationException for a level the model does not list, before anything is
   *     sent (the client's capability check refuses it earlier)
   */
  private static ObjectNode thinkingConfig(ReasoningEffort effort, ModelSpec model) {
    ObjectNode thinking = Json.object();
    Set<ReasoningEffort> levels = model.capabilities().reasoningEfforts();
    if (!levels.isEmpty()) {
      if (!levels.contains(effort)) {
        throw new UnsupportedOperationException(
            API
                + ": "
                + model.apiName()
                + " takes the thinking levels "
                + levels.stream().map(ReasoningEffort::wireName).toList()
                + ", not '"
                + effort.wireName()
                + "'");
      }
      // Gemini 3 always thinks; every level it takes asks for some, so thoughts are returned.
      return thinking.put("thinkingLevel", effort.wireName()).put("includeThoughts", true);
    }
    thinking.put("thinkingBudget", thinkingBudget(effort, model));
    if (effort != ReasoningEffort.NONE) {
      thinking.put("includeThoughts", true);
    }
    return thinking;
  }

  /**
   * The thinking budget for an effort, as Google maps OpenAI's efforts in its compatibility layer
   * (low 1024, medium 8192, high 24576 tokens, none 0; ai.google.dev/gemini-api/docs/openai), kept
   * within each family's range (ai.google.dev/gemini-api/docs/thinking): the Pro models cannot turn
   * thinking off (128 to 32768), Flash goes to 24576 and Flash-Lite starts at 512.
   */
  private static int thinkingBudget(ReasoningEffort effort, ModelSpec model) {
    boolean pro = model.apiName().contains("-pro");
    return switch (effort) {
      case NONE -> pro ? PRO_MIN_BUDGET : 0;
      case MINIMAL -> 512;
      case LOW -> 1024;
      case MEDIUM -> 8192;
      case HIGH -> FLASH_MAX_BUDGET;
      case XHIGH -> pro ? PRO_MAX_BUDGET : FLASH_MAX_BUDGET;
    };
  }

  /**
   * Reads the answer's first candidate.
   *
   * @throws dev.beamllm.provider.ProviderException {@code CONTENT_FILTER} when the prompt or the
   *     answer was blocked, {@code INVALID_RESPONSE} when the body cannot be read
   */
  @Override
  public ParsedAnswer parse(ProviderRequest request, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    GeminiAnswer assembled = new GeminiAnswer(computerFunctions(request));
    assembled.add(root);
    // The Gemini API names the tier that served the request in this header, not in the body
    // (ai.google.dev/gemini-api/docs/priority-inference).
    return assembled.finish().withServiceTier(answer.header("x-gemini-service-tier").orElse(null));
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    return GeminiErrors.classify(answer);
  }

  @Override
  public StreamDecoder streamDecoder(ProviderRequest request) {
    return new GeminiStreamDecoder(computerFunctions(request));
  }

  /**
   * The Gemini API of Google AI Studio (provider {@code google}), whose batch mode this is; Vertex
   * AI's batch prediction is another API.
   */
  @Override
  public boolean batches(ModelSpec model) {
    return model.provider().equals("google") && model.wireFormat() == WireFormat.GEMINI;
  }

  @Override
  public Limits limits() {
    return GeminiBatches.LIMITS;
  }

  /**
   * {@code {"request", "metadata": {"key": customId}}} with the body of {@code generateContent}.
   */
  @Override
  public String item(String customId, ProviderRequest r) {
    return GeminiBatches.item(customId, unstreamedBody(r));
  }

  /** None: the requests go inline in the create call. */
  @Override
  public HttpCall upload(ProviderRequest r, List<String> items) {
    return null;
  }

  /** Never called, as there is no upload. */
  @Override
  public String uploadedId(HttpAnswer answer) {
    throw new UnsupportedOperationException("Gemini inline batches have no upload");
  }

  /**
   * {@code POST /models/{model}:batchGenerateContent} with the items inline, named after the model
   * and their count (the display name is required, and only shown to people).
   */
  @Override
  public HttpCall create(ProviderRequest r, List<String> items, String uploadedId) {
    String model = r.model().apiName();
    String name = "beam-llm-io " + model + " x" + items.size();
    return call(
        r,
        "POST",
        "/models/" + model + ":batchGenerateContent",
        GeminiBatches.createBody(name, items));
  }

  @Override
  public Status status(HttpAnswer answer) {
    return GeminiBatches.status(answer);
  }

  /** {@code GET /batches/{id}}: the batch id is the operation's name, {@code batches/...}. */
  @Override
  public HttpCall poll(ProviderRequest r, String batchId) {
    return call(r, "GET", "/" + batchId, "");
  }

  /** {@code POST /batches/{id}:cancel}. */
  @Override
  public HttpCall cancel(ProviderRequest r, String batchId) {
    return call(r, "POST", "/" + batchId + ":cancel", "");
  }

  /** None: the finished operation carries the responses. */
  @Override
  public List<HttpCall> resultCalls(ProviderRequest r, Status status) {
    return List.of();
  }

  @Override
  public Map<String, Outcome> results(HttpAnswer ended, List<HttpAnswer> fetched) {
    return GeminiBatches.results(ended);
  }
}
