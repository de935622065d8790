package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The provider's web search, which the model runs while it answers ({@link Tool#webSearch}):
 *
 * <ul>
 *   <li>Anthropic Messages: {@code {"type": "web_search_20250305", "name": "web_search",
 *       "max_uses", "allowed_domains", "blocked_domains", "user_location"}};
 *   <li>OpenAI Responses: {@code {"type": "web_search", "filters": {"allowed_domains"},
 *       "search_context_size", "user_location"}}; {@link #maxUses} becomes the request's {@code
 *       max_tool_calls}, which bounds all built-in tool calls of the answer, and the sources are
 *       asked for ({@code include: web_search_call.action.sources});
 *   <li>Gemini: {@code {"googleSearch": {}}}, which takes none of these settings.
 * </ul>
 *
 * A setting that narrows the search and that an API does not have (blocked domains on OpenAI, any
 * on Gemini) makes it refuse the request before it is sent, rather than search more widely or more
 * often than asked; the context size and the user's location only guide, and an API without them
 * goes without. The searches come back as {@link dev.beamllm.prompt.ServerToolUse} parts of kind
 * {@link #KIND}: Anthropic's one per search (the query as arguments, the results as {@code title —
 * url} lines), OpenAI's one per {@code web_search_call} (the action as arguments, the sources' URLs
 * as lines), Gemini's one per grounded answer (its {@code queries}, the sources as {@code title —
 * url} lines). Immutable; each {@code withX} checks its argument at once.
 */
@AutoValue
@SerializableAutoValue
public abstract non-sealed class WebSearch implements BuiltinTool {
  private static final long serialVersionUID = 1L;

  /** The tool's name, and the {@link dev.beamllm.prompt.ServerToolUse#kind} of its calls. */
  public static final String KIND = "web_search";

  /** How much of the context window OpenAI's search may fill ({@code search_context_size}). */
  public enum ContextSize {
    /** Least context, cheapest and fastest. */
    LOW,
    /** OpenAI's default. */
    MEDIUM,
    /** Most context. */
    HIGH;

    /** The wire value. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Anthropic's web search tool versions. */
  public enum AnthropicVersion {
    /** The first version, on every Claude model with web search (the default). */
    WEB_SEARCH_20250305("web_search_20250305"),
    /**
     * Dynamic filtering: the model filters results in code before they reach its context (Claude
     * Opus 4.6, Sonnet 4.6 and later).
     */
    WEB_SEARCH_20260209("web_search_20260209"),
    /**
     * Adds {@code response_inclusion} for results a code execution consumed (sent as the default,
     * full).
     */
    WEB_SEARCH_20260318("web_search_20260318");

    private final String toolType;

    AnthropicVersion(String toolType) {
      this.toolType = toolType;
    }

    /** The tool's {@code type}. */
    public String toolType() {
      return toolType;
    }

    static AnthropicVersion parse(String toolType) {
      for (AnthropicVersion v : values()) {
        if (v.toolType.equals(toolType)) {
          return v;
        }
      }
      throw new IllegalArgumentException("unknown Anthropic web search tool '" + toolType + "'");
    }
  }

  /**
   * Where the user is, roughly, so results can be local; every field optional.
   *
   * @param city free text, such as {@code San Francisco}
   * @param region free text, such as {@code California}
   * @param country the two-letter ISO 3166-1 code, such as {@code US}
   * @param timezone the IANA time zone, such as {@code America/Los_Angeles}
   */
  public record UserLocation(
      @Nullable String city,
      @Nullable String region,
      @Nullable String country,
      @Nullable String timezone)
      implements Serializable {
    /** Checks the country code. */
    public UserLocation {
      if (country != null && !country.matches("[A-Z]{2}")) {
        throw new IllegalArgumentException(
            "the country must be a two-letter ISO 3166-1 code such as US, not '" + country + "'");
      }
    }
  }

  /** At most this many searches in one answer, if set. */
  public abstract Optional<Integer> maxUses();

  /** Results only from these domains (and their subdomains), or any when empty. */
  public abstract List<String> allowedDomains();

  /** Never results from these domains (Anthropic only). */
  public abstract List<String> blockedDomains();

  /** Where the user is, for local results. */
  public abstract Optional<UserLocation> userLocation();

  /** OpenAI's {@code search_context_size}. */
  public abstract Optional<ContextSize> contextSize();

  /** Anthropic's tool version; {@link AnthropicVersion#WEB_SEARCH_20250305} when not set. */
  public abstract Optional<AnthropicVersion> anthropicVersion();

  abstract Builder toBuilder();

  /** Web search with the provider's defaults: any domain, as many searches as the model likes. */
  public static WebSearch defaults() {
    return new AutoValue_WebSearch.Builder()
        .allowedDomains(List.of())
        .blockedDomains(List.of())
        .build();
  }

  /** At most this many searches per answer (at least 1). */
  public WebSearch withMaxUses(int maxUses) {
    if (maxUses < 1) {
      throw new IllegalArgumentException("web search maxUses must be at least 1, not " + maxUses);
    }
    return toBuilder().maxUses(maxUses).build();
  }

  /**
   * Results only from these domains ({@code example.com}, no scheme); not with {@link
   * #withBlockedDomains}.
   */
  public WebSearch withAllowedDomains(List<String> domains) {
    List<String> checked = domains(domains);
    if (!checked.isEmpty() && !blockedDomains().isEmpty()) {
      throw new IllegalArgumentException(
          "web search takes allowed domains or blocked domains, not both");
    }
    return toBuilder().allowedDomains(checked).build();
  }

  /**
   * Never results from these domains; not with {@link #withAllowedDomains}. Only Anthropic has
   * this; OpenAI and Gemini refuse a request that asks for it.
   */
  public WebSearch withBlockedDomains(List<String> domains) {
    List<String> checked = domains(domains);
    if (!checked.isEmpty() && !allowedDomains().isEmpty()) {
      throw new IllegalArgumentException(
          "web search takes allowed domains or blocked domains, not both");
    }
    return toBuilder().blockedDomains(checked).build();
  }

  /** Where the user is, for local results. */
  public WebSearch withUserLocation(UserLocation location) {
    return toBuilder().userLocation(Objects.requireNonNull(location, "location")).build();
  }

  /** OpenAI's {@code search_context_size}; other APIs ignore it (it limits nothing they send). */
  public WebSearch withContextSize(ContextSize size) {
    return toBuilder().contextSize(Objects.requireNonNull(size, "size")).build();
  }

  /** Anthropic's tool version, for every Claude model this tool is offered to. */
  public WebSearch withAnthropicVersion(AnthropicVersion version) {
    return toBuilder().anthropicVersion(Objects.requireNonNull(version, "version")).build();
  }

  private static List<String> domains(List<String> domains) {
    Objects.requireNonNull(domains, "domains");
    List<String> out = new ArrayList<>();
    for (String d : domains) {
      if (d == null || d.isBlank() || d.contains("://") || d.contains(" ")) {
        throw new IllegalArgumentException(
            "a web search domain is a host name such as example.com (no scheme), not '" + d + "'");
      }
      out.add(d.trim());
    }
    return List.copyOf(out);
  }

  /** The tool: named {@value #KIND}. */
  public Tool toTool() {
    return Tool.ofBuiltin(KIND, this);
  }

  @Override
  public boolean runsOnProvider() {
    return true;
  }

  @Override
  public String describe() {
    return "web search";
  }

  @Override
  public String toJson() {
    ObjectNode o = Json.object().put("kind", KIND);
    maxUses().ifPresent(n -> o.put("max_uses", n));
    if (!allowedDomains().isEmpty()) {
      allowedDomains().forEach(o.putArray("allowed_domains")::add);
    }
    if (!blockedDomains().isEmpty()) {
      blockedDomains().forEach(o.putArray("blocked_domains")::add);
    }
    userLocation()
        .ifPresent(
            l -> {
              ObjectNode at = o.putObject("user_location");
              at.put("city", l.city()).put("region", l.region());
              at.put("country", l.country()).put("timezone", l.timezone());
            });
    contextSize().ifPresent(s -> o.put("context_size", s.wireName()));
    anthropicVersion().ifPresent(v -> o.put("anthropic_version", v.toolType()));
    return Json.canonical(o);
  }

  static WebSearch fromJson(JsonNode o) {
    WebSearch w = defaults();
    if (o.has("max_uses")) {
      w = w.withMaxUses(o.get("max_uses").intValue());
    }
    w = w.withAllowedDomains(texts(o.path("allowed_domains")));
    w = w.withBlockedDomains(texts(o.path("blocked_domains")));
    JsonNode l = o.get("user_location");
    if (l != null) {
      w =
          w.withUserLocation(
              new UserLocation(
                  l.path("city").asText(null),
                  l.path("region").asText(null),
                  l.path("country").asText(null),
                  l.path("timezone").asText(null)));
    }
    if (o.has("context_size")) {
      w =
          w.withContextSize(
              ContextSize.valueOf(o.get("context_size").asText().toUpperCase(Locale.ROOT)));
    }
    if (o.has("anthropic_version")) {
      w = w.withAnthropicVersion(AnthropicVersion.parse(o.get("anthropic_version").asText()));
    }
    return w;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder maxUses(Integer n);

    abstract Builder allowedDomains(List<String> domains);

    abstract Builder blockedDomains(List<String> domains);

    abstract Builder userLocation(UserLocation location);

    abstract Builder contextSize(ContextSize size);

    abstract Builder anthropicVersion(AnthropicVersion version);

    abstract WebSearch build();
  }
}
