package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.mcp.McpServer;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.EffortSupport;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.Tool;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Everything an {@link LlmClient} is configured with. Immutable and serializable (keys are not in
 * it: they are read where the client runs), so a Beam transform can carry it to its workers.
 */
@AutoValue
@SerializableAutoValue
public abstract class ClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Attempts per request when none is given. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The per-attempt timeout when none is given. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** The models to spray across, by id or alias. */
  public abstract List<String> models();

  /** Their weights (empty: uniform). */
  public abstract List<Double> weights();

  /** Where model ids are looked up. */
  public abstract ModelRegistry registry();

  /** Sampling parameters for every model without its own. */
  public abstract SamplingParams samplingParams();

  /** Sampling parameters per model id. */
  public abstract Map<String, SamplingParams> perModelParams();

  /** Client-wide limits. */
  public abstract Limits limits();

  /**
   * Limits of single models (providers limit per model), by model id or alias, held within the
   * client-wide limits: requests/min and tokens/min (0: only the client-wide limit).
   */
  public abstract Map<String, Limits> perModelLimits();

  /** Attempts per request, the first included. */
  public abstract int maxAttempts();

  /** The timeout of one attempt. */
  public abstract Duration requestTimeout();

  /** Tools offered with every request. */
  public abstract List<Tool> tools();

  /** Headers added to every request. */
  public abstract Map<String, String> extraHeaders();

  /** The provider's service tier, if any. */
  public abstract Optional<String> serviceTier();

  /** A JSON object merged into every request body, if any. */
  public abstract Optional<String> extraBody();

  /** How progress is shown. */
  public abstract StatusTracker.Display progress();

  /** The seed of the model choice. */
  public abstract long seed();

  /** Whether answers keep the provider's raw body. */
  public abstract boolean keepRawBody();

  /** Where keys come from. */
  public abstract ApiKeys apiKeys();

  /** The answer cache, if any. */
  public abstract Optional<ResponseCache> cache();

  /**
   * Where the limits every worker of a cluster shares are held, if anywhere: then {@link #limits()}
   * and {@link #perModelLimits()} are those of the whole cluster.
   */
  public abstract Optional<SharedLimits> sharedLimits();

  /**
   * Whether OpenAI models served by both APIs use the Responses API instead of chat completions.
   */
  public abstract boolean useResponsesApi();

  /**
   * Whether requests run as background jobs that the client polls, where the API can (OpenAI
   * Responses); the request timeout then bounds the whole job, which is cancelled when it runs out.
   */
  public abstract boolean backgroundMode();

  /** The hook applied to every answer, if any. */
  public abstract Optional<Postprocessor> postprocess();

  /** The remote MCP servers (HTTP only); empty by default. */
  public abstract McpServers remoteMcpServers();

  /** Who runs the remote MCP servers' tools: the provider (the default) or this library. */
  public abstract RemoteMcp remoteMcp();

  /** Where requests mark their prompt for the provider's prompt cache; none by default. */
  public abstract PromptCache promptCache();

  /** The most the client may spend, in dollars; no cap by default. */
  public abstract Optional<Double> maxCost();

  /**
   * The defaults, with no model yet: uniform weights, the built-in registry, 5 attempts, 60 s per
   * attempt, no rate limits, progress on AUTO, chat completions for OpenAI, no background mode,
   * keys from the environment. Add models with {@link #withModels}.
   */
  public static ClientConfig defaults() {
    return new AutoValue_ClientConfig.Builder()
        .setModels(List.of())
        .setWeights(List.of())
        .setRegistry(ModelRegistry.defaults())
        .setSamplingParams(SamplingParams.defaults())
        .setPerModelParams(Map.of())
        .setLimits(Limits.unlimited())
        .setPerModelLimits(Map.of())
        .setMaxAttempts(DEFAULT_MAX_ATTEMPTS)
        .setRequestTimeout(DEFAULT_REQUEST_TIMEOUT)
        .setTools(List.of())
        .setExtraHeaders(Map.of())
        .setProgress(StatusTracker.Display.AUTO)
        .setSeed(0)
        .setKeepRawBody(false)
        .setUseResponsesApi(false)
        .setBackgroundMode(false)
        .setRemoteMcpServers(McpServers.of())
        .setRemoteMcp(RemoteMcp.PROVIDER)
        .setPromptCache(PromptCache.none())
        .setApiKeys(ApiKeys.fromEnvironment())
        .build();
  }

  /** The defaults for these models (see {@link #defaults()}). */
  public static ClientConfig forModels(String... models) {
    return defaults().withModels(models);
  }

  abstract Builder toBuilder();

  // ---- one withX per setting: each checks its argument at once and names it when it refuses ----

  /** The models to spray across, by id or alias (looked up in the registry by {@link #check}). */
  public ClientConfig withModels(String... models) {
    return withModels(Arrays.asList(checkNotNull(models, "models")));
  }

  /** The models to spray across, by id or alias (looked up in the registry by {@link #check}). */
  public ClientConfig withModels(List<String> models) {
    checkArgument(models != null && !models.isEmpty(), "models: at least one model is needed");
    for (String m : models) {
      checkArgument(m != null && !m.isBlank(), "models: a model name is blank in %s", models);
    }
    checkArgument(
        new HashSet<>(models).size() == models.size(), "models: %s names a model twice", models);
    return toBuilder().setModels(List.copyOf(models)).build();
  }

  /**
   * How often each model is chosen, one weight per model in the order of {@link #withModels}
   * (normalised; uniform when not given). A weight may be 0, but not all of them.
   */
  public ClientConfig withModelWeights(double... weights) {
    checkArgument(weights != null && weights.length > 0, "modelWeights: no weight given");
    double sum = 0;
    for (double w : weights) {
      checkArgument(
          w >= 0 && Double.isFinite(w), "modelWeights: %s is not a finite number of 0 or more", w);
      sum += w;
    }
    checkArgument(sum > 0, "modelWeights: the weights add up to zero");
    return toBuilder().setWeights(Arrays.stream(weights).boxed().toList()).build();
  }

  /** The registry models are looked up in (the built-in one plus custom models). */
  public ClientConfig withRegistry(ModelRegistry registry) {
    return toBuilder().setRegistry(checkNotNull(registry, "registry")).build();
  }

  /** Sampling parameters for every model without its own. */
  public ClientConfig withSamplingParams(SamplingParams params) {
    return toBuilder().setSamplingParams(checkNotNull(params, "samplingParams")).build();
  }

  /** Sampling parameters of single models, by model id, in place of the shared ones. */
  public ClientConfig withSamplingParams(Map<String, SamplingParams> perModel) {
    return toBuilder().setPerModelParams(checkedMap(perModel, "samplingParams")).build();
  }

  /** Requests/min, tokens/min and requests in flight, over all the models together. */
  public ClientConfig withLimits(Limits limits) {
    return toBuilder().setLimits(checkNotNull(limits, "limits")).build();
  }

  /**
   * Requests/min and tokens/min of single models, by id or alias, as providers limit each model;
   * held within {@link #withLimits}.
   */
  public ClientConfig withModelLimits(Map<String, Limits> perModel) {
    return toBuilder().setPerModelLimits(checkedMap(perModel, "modelLimits")).build();
  }

  /** Attempts per request, the first included (at least 1). */
  public ClientConfig withMaxAttempts(int attempts) {
    checkArgument(attempts >= 1, "maxAttempts: must be at least 1, got %s", attempts);
    return toBuilder().setMaxAttempts(attempts).build();
  }

  /** The timeout of one attempt (positive); in background mode, of the whole job. */
  public ClientConfig withRequestTimeout(Duration timeout) {
    checkArgument(
        timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "requestTimeout: must be positive, got %s",
        timeout);
    return toBuilder().setRequestTimeout(timeout).build();
  }

  /** Tools offered with every request. */
  public ClientConfig withTools(Tool... tools) {
    return withTools(Arrays.asList(checkNotNull(tools, "tools")));
  }

  /** Tools offered with every request; their names must differ. */
  public ClientConfig withTools(List<Tool> tools) {
    checkNotNull(tools, "tools");
    Set<String> names = new HashSet<>();
    for (Tool t : tools) {
      checkArgument(t != null, "tools: a tool is null");
      checkArgument(names.add(t.name()), "tools: two tools are named '%s'", t.name());
    }
    return toBuilder().setTools(List.copyOf(tools)).build();
  }

  /**
   * Headers added to every request. They travel with the configuration (into a serialized pipeline
   * too), so keys belong in {@link #withApiKeys}, not here.
   */
  public ClientConfig withExtraHeaders(Map<String, String> headers) {
    return toBuilder().setExtraHeaders(checkedMap(headers, "extraHeaders")).build();
  }

  /**
   * A JSON object merged into every request body, for provider fields the library does not name
   * ({@code {"top_k": 40}}, {@code {"generationConfig": {"topK": 40}}}): objects are merged key by
   * key into the adapter's body, other values replace its own. Like extra headers it travels with
   * the configuration, so keys do not belong in it; and it goes to every model, whatever its
   * provider.
   */
  public ClientConfig withExtraBody(String json) {
    checkArgument(json != null, "extraBody: must not be null");
    boolean object;
    try {
      object = Json.parse(json).isObject();
    } catch (RuntimeException e) {
      object = false;
    }
    checkArgument(object, "extraBody: must be a JSON object, got %s", json);
    return toBuilder().setExtraBody(Json.canonical(Json.parse(json))).build();
  }

  /**
   * The provider's service tier ({@code flex}, {@code priority}, {@code auto}, ...), sent to the
   * providers that take one.
   */
  public ClientConfig withServiceTier(String tier) {
    checkArgument(tier != null && !tier.isBlank(), "serviceTier: must not be blank");
    return toBuilder().setServiceTier(tier.trim()).build();
  }

  /** How progress is shown: a bar in a terminal, plain lines, or nothing. */
  public ClientConfig withProgress(StatusTracker.Display display) {
    return toBuilder().setProgress(checkNotNull(display, "progress")).build();
  }

  /** The seed of the weighted model choice, so a run sprays the same way again. */
  public ClientConfig withSeed(long seed) {
    return toBuilder().setSeed(seed).build();
  }

  /** Whether each answer keeps the provider's raw body (for debugging; it costs memory). */
  public ClientConfig withKeepRawBody(boolean keep) {
    return toBuilder().setKeepRawBody(keep).build();
  }

  /**
   * Where keys come from. In a pipeline only {@link ApiKeys#fromEnvironment()} works: keys given in
   * code are never serialized, so workers would not have them.
   */
  public ClientConfig withApiKeys(ApiKeys keys) {
    return toBuilder().setApiKeys(checkNotNull(keys, "apiKeys")).build();
  }

  /** The answer cache: hits cost no quota, and every fresh answer is stored as it arrives. */
  public ClientConfig withCache(ResponseCache cache) {
    return toBuilder().setCache(checkNotNull(cache, "cache")).build();
  }

  /**
   * Whether OpenAI's own models that the Responses API serves are sent there instead of to chat
   * completions (Azure deployments stay on chat completions).
   */
  public ClientConfig withResponsesApi(boolean use) {
    return toBuilder().setUseResponsesApi(use).build();
  }

  /**
   * Whether requests run as background jobs the client polls, where the API can (OpenAI Responses);
   * the request timeout then bounds each whole job, which is cancelled when it runs out. Other APIs
   * are sent to as usual.
   */
  public ClientConfig withBackgroundMode(boolean background) {
    return toBuilder().setBackgroundMode(background).build();
  }

  /**
   * Remote MCP servers whose tools the model may call. By default ({@link RemoteMcp#PROVIDER}) the
   * provider calls them itself: they go in every request (OpenAI Responses' {@code mcp} tool with
   * {@code require_approval: never}; Anthropic's {@code mcp_servers}, each enabled by an {@code
   * mcp_toolset} tool, with the {@code mcp-client-2025-11-20} beta, where a server's {@code
   * Authorization: Bearer} header becomes its {@code authorization_token}), the calls and their
   * results come back in the answer's message as {@code ServerToolUse} parts, and a model whose API
   * cannot call MCP servers is refused before sending ({@code UNSUPPORTED}, naming the model). With
   * {@link #withRemoteMcp withRemoteMcp(LOCAL)} this library runs them instead. Header values may
   * be {@code ${NAME}} references, read where the request is built (on the worker); they are
   * secrets and never shown.
   *
   * @throws IllegalArgumentException for a stdio server: a provider can only reach HTTP servers
   */
  public ClientConfig withRemoteMcpServers(McpServers servers) {
    checkNotNull(servers, "remoteMcpServers");
    for (McpServer server : servers.servers()) {
      checkArgument(
          server.transport() == McpServer.Transport.HTTP,
          "remoteMcpServers: MCP server '%s' is a stdio server; only HTTP servers can be remote"
              + " (give stdio servers to LlmIO.agent() as tools)",
          server.name());
    }
    return toBuilder().setRemoteMcpServers(servers).build();
  }

  /**
   * Who runs the tools of {@link #withRemoteMcpServers}: {@link RemoteMcp#PROVIDER} (the default)
   * or {@link RemoteMcp#LOCAL}, where nothing about them is sent to the provider and {@code
   * LlmIO.agent()} runs them in its own loop, for any model.
   */
  public ClientConfig withRemoteMcp(RemoteMcp mode) {
    return toBuilder().setRemoteMcp(checkNotNull(mode, "remoteMcp")).build();
  }

  /**
   * A hard cap on what the client spends, in dollars: before each attempt is sent, its worst case
   * (its estimated input and its whole output limit, at the model's prices and the tier) is
   * reserved against the cap, and settled with the answer's real cost. An attempt that does not fit
   * is not sent: its request ends with a {@code BUDGET} error. The money spent plus what the
   * attempts in flight could still cost thus never passes the cap, in this client (one per JVM in a
   * Beam job), or, with {@link #withSharedLimits}, in every client of the shared namespace with the
   * same cap: the money is then counted in Redis.
   */
  public ClientConfig withMaxCost(double dollars) {
    checkArgument(
        dollars > 0 && Double.isFinite(dollars),
        "maxCost: must be a positive number of dollars, got %s",
        dollars);
    return toBuilder().setMaxCost(dollars).build();
  }

  /**
   * Marks each request's prompt for the provider's prompt cache, by a pattern ({@link
   * PromptCache.Pattern}: {@code system_and_tools} for rows sharing a long system prompt, {@code
   * auto}, ...) and a lifetime (5 minutes or 1 hour): Anthropic gets {@code cache_control} on the
   * marked blocks, Bedrock Converse {@code cachePoint} blocks after them; OpenAI and Gemini, which
   * cache on their own, nothing. The answers are the same, so the response cache's keys are too.
   */
  public ClientConfig withPromptCache(PromptCache cache) {
    return toBuilder().setPromptCache(checkNotNull(cache, "promptCache")).build();
  }

  /**
   * Holds the limits on a Redis server that every worker shares: requests/min, tokens/min and
   * requests in flight become those of the whole cluster (leased in chunks, so Redis sees a few
   * calls per second per worker), and a model's real limits and cool-downs that one worker learns
   * from its provider every worker honours. The client checks at once that the server answers.
   */
  public ClientConfig withSharedLimits(SharedLimits shared) {
    return toBuilder().setSharedLimits(checkNotNull(shared, "sharedLimits")).build();
  }

  /** A hook applied to every fresh answer before it is cached and delivered. */
  public ClientConfig withPostprocess(Postprocessor postprocess) {
    return toBuilder().setPostprocess(checkNotNull(postprocess, "postprocess")).build();
  }

  /**
   * Checks what the single settings cannot check alone: at least one model, every model (and every
   * model with limits of its own) known to the registry, one weight per model, and a reasoning
   * effort every model takes.
   *
   * @return this config
   * @throws IllegalArgumentException naming the setting that cannot work
   */
  public ClientConfig check() {
    checkArgument(!models().isEmpty(), "models: at least one model is needed");
    for (String m : models()) {
      checkEffort(registry().lookup(m));
    }
    perModelLimits().keySet().forEach(registry()::lookup);
    checkArgument(
        weights().isEmpty() || weights().size() == models().size(),
        "modelWeights: %s weights for %s models %s",
        weights().size(),
        models().size(),
        models());
    return this;
  }

  /**
   * Refuses a configured reasoning effort (or one named by the model's id, {@code o3-minimal}) or
   * thinking budget that the model cannot take, before anything is sent: the provider would refuse
   * every request.
   */
  private void checkEffort(ModelSpec spec) {
    SamplingParams params = paramsFor(spec.id());
    params
        .thinkingBudget()
        .flatMap(n -> EffortSupport.budgetRefusal(spec, n))
        .ifPresent(
            why -> {
              throw new IllegalArgumentException("samplingParams: " + why);
            });
    EffortSupport.effective(spec, params)
        .flatMap(e -> EffortSupport.refusal(spec, e))
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(
                  (params.reasoningEffort().isPresent() ? "samplingParams: " : "models: ") + why);
            });
  }

  /** A summary for logs: never header values, which may hold keys. */
  @Override
  public String toString() {
    return "ClientConfig{models="
        + models()
        + ", weights="
        + weights()
        + ", limits="
        + limits()
        + ", maxAttempts="
        + maxAttempts()
        + ", requestTimeout="
        + requestTimeout()
        + ", extraHeaders="
        + extraHeaders().keySet()
        + (remoteMcpServers().servers().isEmpty()
            ? ""
            : ", remoteMcpServers=" + remoteMcpServers() + ", remoteMcp=" + remoteMcp())
        + "}";
  }

  /** The sampling parameters for a model. */
  public SamplingParams paramsFor(String modelId) {
    return perModelParams().getOrDefault(modelId, samplingParams());
  }

  /** The settings' storage; every public change goes through a checked {@code withX}. */
  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setModels(List<String> models);

    abstract Builder setWeights(List<Double> weights);

    abstract Builder setRegistry(ModelRegistry registry);

    abstract Builder setSamplingParams(SamplingParams params);

    abstract Builder setPerModelParams(Map<String, SamplingParams> params);

    abstract Builder setLimits(Limits limits);

    abstract Builder setPerModelLimits(Map<String, Limits> limits);

    abstract Builder setMaxAttempts(int attempts);

    abstract Builder setRequestTimeout(Duration timeout);

    abstract Builder setTools(List<Tool> tools);

    abstract Builder setExtraHeaders(Map<String, String> headers);

    abstract Builder setServiceTier(@Nullable String tier);

    abstract Builder setExtraBody(@Nullable String json);

    abstract Builder setProgress(StatusTracker.Display display);

    abstract Builder setSeed(long seed);

    abstract Builder setKeepRawBody(boolean keep);

    abstract Builder setApiKeys(ApiKeys keys);

    abstract Builder setCache(@Nullable ResponseCache cache);

    abstract Builder setSharedLimits(@Nullable SharedLimits shared);

    abstract Builder setPostprocess(@Nullable Postprocessor postprocess);

    abstract Builder setUseResponsesApi(boolean use);

    abstract Builder setBackgroundMode(boolean background);

    abstract Builder setPromptCache(PromptCache cache);

    abstract Builder setMaxCost(@Nullable Double dollars);

    abstract Builder setRemoteMcpServers(McpServers servers);

    abstract Builder setRemoteMcp(RemoteMcp mode);

    abstract ClientConfig build();
  }

  private static <V> Map<String, V> checkedMap(Map<String, V> map, String setting) {
    checkNotNull(map, setting);
    map.forEach(
        (k, v) -> {
          checkArgument(k != null && !k.isBlank(), "%s: a key is blank", setting);
          checkArgument(v != null, "%s: the value of '%s' is null", setting, k);
        });
    return Map.copyOf(map);
  }

  private static <T> T checkNotNull(T value, String setting) {
    checkArgument(value != null, "%s: must not be null", setting);
    return value;
  }

  private static void checkArgument(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }
}
