package dev.beamllm.testing;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import java.util.List;

/**
 * A request after a dialect has validated it, in a provider-neutral form the answerer reads.
 *
 * @param model the model named in the request
 * @param conversation the messages, for the answer and the token count
 * @param tools the tools offered
 * @param maxTokens the output limit
 * @param format plain text, a JSON object, or JSON matching a schema
 * @param schemaJson the output schema for {@link OutputFormat#JSON_SCHEMA}, else null
 * @param topLogprobs -1 without logprobs, else the number of alternatives per token
 * @param stream whether the client asked for server-sent events
 * @param thinking whether the client asked for visible reasoning
 * @param inputTokens the input tokens, counted like the client counts them
 * @param cachePlan the blocks and breakpoints marked for prompt caching, or null
 * @param options a dialect's own settings for its answer (a JSON object), or null; the server does
 *     not read them
 * @param forcedTool the tool the request forces the model to call (Anthropic's {@code tool_choice:
 *     {type: tool}}), {@link #ANY_TOOL} when it must call one of them ({@code {type: any}}), or
 *     null when the model may answer in text
 */
record ParsedRequest(
    String model,
    Conversation conversation,
    List<ToolDef> tools,
    int maxTokens,
    OutputFormat format,
    String schemaJson,
    int topLogprobs,
    boolean stream,
    boolean thinking,
    long inputTokens,
    CachePlan cachePlan,
    String options,
    String forcedTool) {

  /** {@link #forcedTool} when the model must call a tool, any of those offered. */
  static final String ANY_TOOL = "";

  /**
   * A request of an endpoint that is not chat (embeddings, rerank, transcription): its inputs as
   * the conversation, counted as {@code inputTokens}, no output, and the dialect's own settings.
   */
  static ParsedRequest ofInputs(
      String model, Conversation inputs, long inputTokens, String optionsJson) {
    return new ParsedRequest(
        model,
        inputs,
        List.of(),
        0,
        OutputFormat.TEXT,
        null,
        -1,
        false,
        false,
        inputTokens,
        null,
        optionsJson,
        null);
  }

  /** Output formats. */
  enum OutputFormat {
    TEXT,
    JSON_OBJECT,
    JSON_SCHEMA
  }

  /**
   * A tool offered to the model.
   *
   * @param name its name
   * @param parametersJson its JSON schema
   * @param computer the provider's computer tool this is, or null for a function
   */
  record ToolDef(String name, String parametersJson, FakeComputer.Offer computer) {
    /** A function. */
    ToolDef(String name, String parametersJson) {
      this(name, parametersJson, null);
    }
  }

  boolean logprobs() {
    return topLogprobs >= 0;
  }

  /**
   * A request whose input tokens are counted like the client counts them: the conversation by
   * {@link TokenCounter#estimate} under the provider's image rule, plus each tool's name and
   * schema.
   */
  static ParsedRequest of(
      String model,
      Conversation conversation,
      List<ToolDef> tools,
      int maxTokens,
      OutputFormat format,
      String schemaJson,
      int topLogprobs,
      boolean stream,
      boolean thinking,
      CachePlan cachePlan,
      TokenCounter.ImageRule rule) {
    long input;
    try {
      input = TokenCounter.estimate(conversation, rule);
    } catch (InvalidPromptException e) {
      // An unreadable PDF, say: the provider would refuse it too.
      throw ProviderError.badRequest(e.getMessage(), null);
    }
    for (ToolDef t : tools) {
      input +=
          TokenCounter.count(t.name())
              + (t.parametersJson() == null ? 0 : TokenCounter.count(t.parametersJson()));
    }
    return new ParsedRequest(
        model,
        conversation,
        List.copyOf(tools),
        maxTokens,
        format,
        schemaJson,
        topLogprobs,
        stream,
        thinking,
        input,
        cachePlan,
        null,
        null);
  }

  /** This request with its prompt counted otherwise ({@link TokenCounting}). */
  ParsedRequest withInputTokens(long tokens) {
    return copy(tokens, options, forcedTool);
  }

  /** This request with a dialect's own settings, which its {@code success} reads back. */
  ParsedRequest withOptions(String optionsJson) {
    return copy(inputTokens, optionsJson, forcedTool);
  }

  /** This request forcing a tool call: a tool's name, or {@link #ANY_TOOL}. */
  ParsedRequest withForcedTool(String name) {
    return copy(inputTokens, options, name);
  }

  private ParsedRequest copy(long tokens, String optionsJson, String forced) {
    return new ParsedRequest(
        model,
        conversation,
        tools,
        maxTokens,
        format,
        schemaJson,
        topLogprobs,
        stream,
        thinking,
        tokens,
        cachePlan,
        optionsJson,
        forced);
  }
}
