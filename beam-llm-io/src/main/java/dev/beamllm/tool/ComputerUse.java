package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a computer-use tool tells the model: the size of the screen it sees and, per provider, the
 * version of the provider's built-in computer tool. {@link #toTool()} makes it a {@link Tool} the
 * adapters render as each provider's own computer tool:
 *
 * <ul>
 *   <li>Anthropic Messages (and Claude on Bedrock's {@code invoke}): {@code {"type":
 *       "computer_20250124", "name": "computer", "display_width_px", "display_height_px",
 *       "display_number"}} with the beta header the version needs ({@link AnthropicVersion});
 *   <li>OpenAI Responses: {@code {"type": "computer_use_preview", "display_width",
 *       "display_height", "environment"}} with {@code truncation: auto}, or the generally available
 *       {@code {"type": "computer"}} ({@link OpenAiTool});
 *   <li>Gemini: {@code {"computerUse": {"environment", "excludedPredefinedFunctions"}}};
 *   <li>every other API (chat completions, Mistral, Cohere, Bedrock Converse), which has no
 *       computer tool: a function named {@code computer} whose arguments take Anthropic's action
 *       vocabulary, so any model with function calling can drive the screen.
 * </ul>
 *
 * Immutable and serializable; each {@code withX} validates at once.
 */
public final class ComputerUse implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The name of the tool, which Anthropic requires and the agent loop looks the tool up by. */
  public static final String TOOL_NAME = "computer";

  /**
   * Gemini's predefined computer-use functions (ai.google.dev/gemini-api/docs/computer-use,
   * "Supported actions"): its calls of these are this tool's calls.
   */
  public static final Set<String> GEMINI_FUNCTIONS =
      Set.of(
          "open_web_browser",
          "wait_5_seconds",
          "go_back",
          "go_forward",
          "search",
          "navigate",
          "click_at",
          "hover_at",
          "type_text_at",
          "key_combination",
          "scroll_document",
          "scroll_at",
          "drag_and_drop");

  /** Anthropic's computer tool versions, each with its tool type and the beta it needs. */
  public enum AnthropicVersion {
    /** Claude Sonnet 3.5 (new): the first action set. */
    COMPUTER_20241022("computer_20241022", "computer-use-2024-10-22"),
    /**
     * Claude 4 models, Sonnet 3.7, Sonnet 4.5, Haiku 4.5: adds scroll, hold_key, wait,
     * triple_click, left_mouse_down and left_mouse_up.
     */
    COMPUTER_20250124("computer_20250124", "computer-use-2025-01-24"),
    /** Claude Opus 4.5 and later, Sonnet 4.6 and later: adds zoom ({@code enable_zoom}). */
    COMPUTER_20251124("computer_20251124", "computer-use-2025-11-24");

    private final String toolType;
    private final String beta;

    AnthropicVersion(String toolType, String beta) {
      this.toolType = toolType;
      this.beta = beta;
    }

    /** The tool's {@code type}. */
    public String toolType() {
      return toolType;
    }

    /** The {@code anthropic-beta} value a request offering this tool must carry. */
    public String betaHeader() {
      return beta;
    }

    static AnthropicVersion parse(String toolType) {
      for (AnthropicVersion v : values()) {
        if (v.toolType.equals(toolType)) {
          return v;
        }
      }
      throw new IllegalArgumentException("unknown Anthropic computer tool '" + toolType + "'");
    }
  }

  /** OpenAI's computer tools on the Responses API. */
  public enum OpenAiTool {
    /**
     * {@code computer_use_preview}, for the {@code computer-use-preview} model: takes the display
     * size and environment, and needs {@code truncation: auto}; each {@code computer_call} holds
     * one {@code action}.
     */
    COMPUTER_USE_PREVIEW("computer_use_preview"),
    /**
     * {@code computer}, generally available from gpt-5.4: no settings; a {@code computer_call} may
     * hold a batch of {@code actions}.
     */
    COMPUTER("computer");

    private final String toolType;

    OpenAiTool(String toolType) {
      this.toolType = toolType;
    }

    /** The tool's {@code type}. */
    public String toolType() {
      return toolType;
    }

    static OpenAiTool parse(String toolType) {
      for (OpenAiTool t : values()) {
        if (t.toolType.equals(toolType)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown OpenAI computer tool '" + toolType + "'");
    }
  }

  /** The kind of computer the model operates. */
  public enum Environment {
    /** A web browser. */
    BROWSER("browser", "ENVIRONMENT_BROWSER"),
    /** A Linux desktop. */
    LINUX("linux", "ENVIRONMENT_DESKTOP"),
    /** An Ubuntu desktop. */
    UBUNTU("ubuntu", "ENVIRONMENT_DESKTOP"),
    /** A macOS desktop. */
    MAC("mac", "ENVIRONMENT_DESKTOP"),
    /** A Windows desktop. */
    WINDOWS("windows", "ENVIRONMENT_DESKTOP");

    private final String openAiName;
    private final String geminiName;

    Environment(String openAiName, String geminiName) {
      this.openAiName = openAiName;
      this.geminiName = geminiName;
    }

    /** OpenAI's {@code environment} value. */
    public String openAiName() {
      return openAiName;
    }

    /**
     * Gemini's {@code environment} value: {@code ENVIRONMENT_BROWSER}, or {@code
     * ENVIRONMENT_DESKTOP} for every desktop (the Gemini 2.5 computer-use model takes the browser
     * only; the desktop is Gemini 3.5's).
     */
    public String geminiName() {
      return geminiName;
    }
  }

  /**
   * {@code claude-<family>-<major>[-<minor>]}, the naming of Claude 4 and later (also inside
   * Bedrock's ids); a date is not a minor version.
   */
  private static final Pattern CLAUDE_VERSION =
      Pattern.compile("claude-(opus|sonnet|haiku)-(\\d+)(?:-(\\d{1,2}))?(?!\\d)");

  private final int displayWidth;
  private final int displayHeight;
  private final Integer displayNumber;
  private final AnthropicVersion anthropicVersion;
  private final boolean zoom;
  private final OpenAiTool openAiTool;
  private final Environment environment;
  private final List<String> geminiExcludedFunctions;

  private ComputerUse(
      int displayWidth,
      int displayHeight,
      Integer displayNumber,
      AnthropicVersion anthropicVersion,
      boolean zoom,
      OpenAiTool openAiTool,
      Environment environment,
      List<String> geminiExcludedFunctions) {
    if (displayWidth < 1 || displayHeight < 1) {
      throw new IllegalArgumentException(
          "the display must be at least 1x1 pixels, not " + displayWidth + "x" + displayHeight);
    }
    if (displayNumber != null && displayNumber < 0) {
      throw new IllegalArgumentException("displayNumber must be ≥ 0, not " + displayNumber);
    }
    if (zoom
        && anthropicVersion != null
        && anthropicVersion != AnthropicVersion.COMPUTER_20251124) {
      throw new IllegalArgumentException(
          "zoom needs Anthropic's computer_20251124, not " + anthropicVersion.toolType());
    }
    for (String f : geminiExcludedFunctions) {
      if (!GEMINI_FUNCTIONS.contains(f)) {
        throw new IllegalArgumentException(
            "'" + f + "' is not one of Gemini's computer-use functions " + GEMINI_FUNCTIONS);
      }
    }
    this.displayWidth = displayWidth;
    this.displayHeight = displayHeight;
    this.displayNumber = displayNumber;
    this.anthropicVersion = anthropicVersion;
    this.zoom = zoom;
    this.openAiTool = openAiTool;
    this.environment = Objects.requireNonNull(environment, "environment");
    this.geminiExcludedFunctions = List.copyOf(geminiExcludedFunctions);
  }

  /**
   * A computer whose screen is this many pixels, a Linux desktop, each provider's tool version
   * chosen by the model ({@link #anthropicVersionFor}, {@link #openAiToolFor}).
   *
   * @throws IllegalArgumentException when a side is below 1
   */
  public static ComputerUse of(int displayWidth, int displayHeight) {
    return new ComputerUse(
        displayWidth, displayHeight, null, null, false, null, Environment.LINUX, List.of());
  }

  /** The X11 display number Anthropic's tool is told ({@code display_number}), at least 0. */
  public ComputerUse withDisplayNumber(int displayNumber) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        anthropicVersion,
        zoom,
        openAiTool,
        environment,
        geminiExcludedFunctions);
  }

  /** Anthropic's tool version, whatever the model (by default, {@link #anthropicVersionFor}). */
  public ComputerUse withAnthropicVersion(AnthropicVersion version) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        Objects.requireNonNull(version, "version"),
        zoom,
        openAiTool,
        environment,
        geminiExcludedFunctions);
  }

  /**
   * Whether Anthropic's {@code zoom} action is on ({@code enable_zoom}); only {@code
   * computer_20251124} has it, so a model on an older version is offered the tool without.
   */
  public ComputerUse withZoom(boolean zoom) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        anthropicVersion,
        zoom,
        openAiTool,
        environment,
        geminiExcludedFunctions);
  }

  /** OpenAI's computer tool, whatever the model (by default, {@link #openAiToolFor}). */
  public ComputerUse withOpenAiTool(OpenAiTool tool) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        anthropicVersion,
        zoom,
        Objects.requireNonNull(tool, "tool"),
        environment,
        geminiExcludedFunctions);
  }

  /** The kind of computer, which OpenAI's preview tool and Gemini are told. */
  public ComputerUse withEnvironment(Environment environment) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        anthropicVersion,
        zoom,
        openAiTool,
        environment,
        geminiExcludedFunctions);
  }

  /**
   * Gemini's predefined functions the model is not offered ({@code excludedPredefinedFunctions}),
   * each one of {@link #GEMINI_FUNCTIONS}.
   */
  public ComputerUse withGeminiExcludedFunctions(List<String> functions) {
    return new ComputerUse(
        displayWidth,
        displayHeight,
        displayNumber,
        anthropicVersion,
        zoom,
        openAiTool,
        environment,
        List.copyOf(functions));
  }

  /** The screen's width in pixels. */
  public int displayWidth() {
    return displayWidth;
  }

  /** The screen's height in pixels. */
  public int displayHeight() {
    return displayHeight;
  }

  /** The X11 display number Anthropic's tool is told, if set. */
  public OptionalInt displayNumber() {
    return displayNumber == null ? OptionalInt.empty() : OptionalInt.of(displayNumber);
  }

  /** Anthropic's tool version when set for every model. */
  public Optional<AnthropicVersion> anthropicVersion() {
    return Optional.ofNullable(anthropicVersion);
  }

  /** Whether Anthropic's zoom action is on. */
  public boolean zoom() {
    return zoom;
  }

  /** OpenAI's computer tool when set for every model. */
  public Optional<OpenAiTool> openAiTool() {
    return Optional.ofNullable(openAiTool);
  }

  /** The kind of computer. */
  public Environment environment() {
    return environment;
  }

  /** Gemini's predefined functions left out. */
  public List<String> geminiExcludedFunctions() {
    return geminiExcludedFunctions;
  }

  /**
   * Anthropic's tool version for a model: the one set, else the one Anthropic lists for the model
   * (platform.claude.com/docs/en/agents-and-tools/tool-use/computer-use-tool): {@code
   * computer_20251124} for Opus 4.5 and later and Sonnet 4.6 and later (and any Claude 5), {@code
   * computer_20241022} for Sonnet 3.5, {@code computer_20250124} for the rest.
   *
   * @param apiModel the model's API name, Anthropic's or Bedrock's
   */
  public AnthropicVersion anthropicVersionFor(String apiModel) {
    if (anthropicVersion != null) {
      return anthropicVersion;
    }
    String m = apiModel.toLowerCase(Locale.ROOT);
    if (m.contains("claude-3-5-sonnet") || m.contains("claude-3.5-sonnet")) {
      return AnthropicVersion.COMPUTER_20241022;
    }
    Matcher v = CLAUDE_VERSION.matcher(m);
    if (v.find()) {
      int major = Integer.parseInt(v.group(2));
      int minor = v.group(3) == null ? 0 : Integer.parseInt(v.group(3));
      int from =
          switch (v.group(1)) {
            case "opus" -> 5;
            case "sonnet" -> 6;
            default -> 10;
          };
      if (major > 4 || (major == 4 && minor >= from)) {
        return AnthropicVersion.COMPUTER_20251124;
      }
    }
    return AnthropicVersion.COMPUTER_20250124;
  }

  /**
   * OpenAI's computer tool for a model: the one set, else {@code computer_use_preview} for the
   * {@code computer-use-preview} model and {@code computer} for the others, as OpenAI's Agents SDK
   * chooses.
   *
   * @param apiModel the model's API name
   */
  public OpenAiTool openAiToolFor(String apiModel) {
    if (openAiTool != null) {
      return openAiTool;
    }
    return apiModel.toLowerCase(Locale.ROOT).startsWith("computer-use-preview")
        ? OpenAiTool.COMPUTER_USE_PREVIEW
        : OpenAiTool.COMPUTER;
  }

  /**
   * The tool: named {@link #TOOL_NAME}, with a description and an argument schema (Anthropic's
   * actions) for the APIs that have no computer tool of their own.
   */
  public Tool toTool() {
    return Tool.computer(this);
  }

  /** The description of the function the other APIs get. */
  String functionDescription() {
    return "Use a mouse and keyboard to interact with a computer, and take screenshots. The screen"
        + " is "
        + displayWidth
        + "x"
        + displayHeight
        + " pixels; coordinates are pixels from its top-left corner. Every action returns a"
        + " screenshot of the screen after it.";
  }

  /** The argument schema of the function the other APIs get: Anthropic's action vocabulary. */
  String functionSchema() {
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode p = schema.putObject("properties");
    ObjectNode action = p.putObject("action").put("type", "string");
    for (String a :
        List.of(
            "screenshot",
            "left_click",
            "right_click",
            "middle_click",
            "double_click",
            "triple_click",
            "mouse_move",
            "left_click_drag",
            "left_mouse_down",
            "left_mouse_up",
            "type",
            "key",
            "hold_key",
            "scroll",
            "wait",
            "cursor_position")) {
      action.withArray("enum").add(a);
    }
    action.put("description", "The action to perform.");
    point(p, "coordinate", "(x, y) in pixels: where to click, move, scroll, or end a drag.");
    point(p, "start_coordinate", "(x, y) in pixels where a left_click_drag starts.");
    p.putObject("text")
        .put("type", "string")
        .put(
            "description",
            "The text to type; the key or combination to press (xdotool names: Return, ctrl+s,"
                + " alt+Tab); the keys held during a click or scroll, or by hold_key.");
    ObjectNode direction = p.putObject("scroll_direction").put("type", "string");
    for (String d : List.of("up", "down", "left", "right")) {
      direction.withArray("enum").add(d);
    }
    p.putObject("scroll_amount")
        .put("type", "integer")
        .put("minimum", 0)
        .put("description", "Clicks of the scroll wheel.");
    p.putObject("duration")
        .put("type", "number")
        .put("minimum", 0)
        .put("maximum", 100)
        .put("description", "Seconds, for wait and hold_key.");
    schema.putArray("required").add("action");
    return Json.canonical(schema);
  }

  private static void point(ObjectNode properties, String name, String description) {
    ObjectNode c = properties.putObject(name).put("type", "array");
    c.putObject("items").put("type", "integer").put("minimum", 0);
    c.put("minItems", 2).put("maxItems", 2).put("description", description);
  }

  /**
   * The settings as a JSON object, keys sorted: for cache keys and coders, which must tell two
   * computers apart.
   */
  public String toJson() {
    ObjectNode o = Json.object();
    o.put("display_width", displayWidth).put("display_height", displayHeight);
    if (displayNumber != null) {
      o.put("display_number", displayNumber);
    }
    if (anthropicVersion != null) {
      o.put("anthropic_version", anthropicVersion.toolType());
    }
    if (zoom) {
      o.put("zoom", true);
    }
    if (openAiTool != null) {
      o.put("openai_tool", openAiTool.toolType());
    }
    o.put("environment", environment.openAiName());
    if (!geminiExcludedFunctions.isEmpty()) {
      geminiExcludedFunctions.forEach(o.putArray("gemini_excluded_functions")::add);
    }
    return Json.canonical(o);
  }

  /**
   * The settings back from {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the JSON is not such an object
   */
  public static ComputerUse fromJson(String json) {
    JsonNode o = Json.parse(json);
    if (!o.path("display_width").isInt() || !o.path("display_height").isInt()) {
      throw new IllegalArgumentException("not a computer-use JSON object: " + json);
    }
    ComputerUse c = of(o.get("display_width").intValue(), o.get("display_height").intValue());
    if (o.has("display_number")) {
      c = c.withDisplayNumber(o.get("display_number").intValue());
    }
    if (o.has("anthropic_version")) {
      c = c.withAnthropicVersion(AnthropicVersion.parse(o.get("anthropic_version").asText()));
    }
    if (o.path("zoom").asBoolean(false)) {
      c = c.withZoom(true);
    }
    if (o.has("openai_tool")) {
      c = c.withOpenAiTool(OpenAiTool.parse(o.get("openai_tool").asText()));
    }
    String env = o.path("environment").asText("linux");
    Environment environment = null;
    for (Environment e : Environment.values()) {
      if (e.openAiName().equals(env)) {
        environment = e;
      }
    }
    if (environment == null) {
      throw new IllegalArgumentException("unknown computer environment '" + env + "'");
    }
    List<String> excluded = new ArrayList<>();
    o.path("gemini_excluded_functions").forEach(f -> excluded.add(f.asText()));
    return c.withEnvironment(environment).withGeminiExcludedFunctions(excluded);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComputerUse other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "ComputerUse" + toJson();
  }
}
