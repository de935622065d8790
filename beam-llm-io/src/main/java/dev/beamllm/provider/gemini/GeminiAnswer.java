package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.WebSearch;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Assembles one Gemini answer from {@code GenerateContentResponse}s: the whole answer of {@code
 * generateContent}, or the chunks of {@code streamGenerateContent} in order. Text pieces in a row
 * join into one text and thought pieces into one thinking; a {@code thoughtSignature} on a thought
 * signs that thinking, and one on any other part becomes an empty signed thinking right before that
 * part, which is where {@code GeminiFormat} sends it back. Function calls without an {@code id} get
 * one made from the response id, their place and their content, so the same answer always gets the
 * same ids. A call of one of Gemini's predefined computer-use functions, when the request offered
 * the computer tool, is a call of that tool with {@code {"name": function, "args": {...}}}. One
 * instance per answer; not thread-safe.
 */
final class GeminiAnswer {
  /**
   * Finish reasons that mean a filter stopped the answer
   * (ai.google.dev/api/generate-content#FinishReason).
   */
  private static final Set<String> FILTERED =
      Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

  private final Set<String> computerFunctions;
  private final List<Part> parts = new ArrayList<>();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private final StringBuilder open = new StringBuilder();
  private Kind openKind = Kind.NONE;
  private String openSignature;
  private boolean sawCandidate;
  private int calls;
  private String finishReason;
  private String blockReason;
  private int openCode = -1;
  private JsonNode grounding;
  private JsonNode usage;

  /**
   * @param computerFunctions the names of Gemini's predefined computer-use functions offered with
   *     the request: a call of one is the computer tool's, {@code {"name": ..., "args": ...}}
   */
  GeminiAnswer(Set<String> computerFunctions) {
    this.computerFunctions = Set.copyOf(computerFunctions);
  }

  /** What the text being gathered is. */
  private enum Kind {
    NONE,
    TEXT,
    THOUGHT
  }

  /**
   * Takes one response or chunk.
   *
   * @return the answer text it adds (thoughts excluded), empty when none
   */
  String add(JsonNode response) {
    JsonNode block = response.path("promptFeedback").get("blockReason");
    if (block != null && block.isTextual()) {
      blockReason = block.textValue();
    }
    if (response.has("usageMetadata")) {
      // Every chunk carries the usage so far; the last one is the answer's.
      usage = response.get("usageMetadata");
    }
    JsonNode candidate = response.path("candidates").path(0);
    if (candidate.isMissingNode()) {
      return "";
    }
    sawCandidate = true;
    StringBuilder added = new StringBuilder();
    String responseId = response.path("responseId").asText("");
    for (JsonNode part : candidate.path("content").path("parts")) {
      added.append(part(part, responseId));
    }
    if (candidate.path("groundingMetadata").path("webSearchQueries").size() > 0) {
      // A stream may repeat the metadata in later chunks, or send it without queries: the last
      // one with queries is the answer's.
      grounding = candidate.get("groundingMetadata");
    }
    JsonNode finish = candidate.get("finishReason");
    if (finish != null && finish.isTextual()) {
      finishReason = finish.textValue();
    }
    logprobs(candidate.path("logprobsResult"));
    return added.toString();
  }

  /** One part; returns the answer text it adds. */
  private String part(JsonNode part, String responseId) {
    String signature = part.path("thoughtSignature").asText(null);
    JsonNode text = part.get("text");
    if (part.path("thought").asBoolean(false)) {
      gather(Kind.THOUGHT, text == null ? "" : text.asText());
      if (signature != null) {
        openSignature = signature;
      }
      return "";
    }
    // A code part keeps its own signature: it goes back whole.
    JsonNode code = part.get("executableCode");
    if (code != null) {
      close();
      openCode = parts.size();
      parts.add(codeRun(part, null));
      return "";
    }
    JsonNode result = part.get("codeExecutionResult");
    if (result != null) {
      close();
      if (openCode >= 0) {
        ServerToolUse run = (ServerToolUse) parts.get(openCode);
        parts.set(openCode, codeRun(Json.parse(run.raw()).get(0), part));
        openCode = -1;
      }
      return "";
    }
    if (signature != null) {
      close();
      parts.add(Thinking.signed("", signature, Thinking.GEMINI));
    }
    JsonNode call = part.get("functionCall");
    if (call != null) {
      close();
      parts.add(toolCall(call, responseId));
      return "";
    }
    if (text != null) {
      gather(Kind.TEXT, text.asText());
      return text.asText();
    }
    // Parts the request never asks for (inline data) carry nothing to keep.
    return "";
  }

  private void gather(Kind kind, String text) {
    if (openKind != kind) {
      close();
      openKind = kind;
    }
    open.append(text);
  }

  /** Ends the text or thought being gathered; empty text is dropped. */
  private void close() {
    if (openKind == Kind.THOUGHT && (open.length() > 0 || openSignature != null)) {
      parts.add(
          openSignature != null
              ? Thinking.signed(open.toString(), openSignature, Thinking.GEMINI)
              : Thinking.of(open.toString()));
    } else if (openKind == Kind.TEXT && open.length() > 0) {
      parts.add(new Text(open.toString()));
    }
    open.setLength(0);
    openKind = Kind.NONE;
    openSignature = null;
  }

  private ToolCall toolCall(JsonNode call, String responseId) {
    String name = call.path("name").asText();
    JsonNode args = call.get("args");
    String arguments = args == null || args.isNull() ? "{}" : Json.canonical(args);
    int index = calls++;
    JsonNode given = call.get("id");
    String id =
        given != null && given.isTextual() && !given.textValue().isEmpty()
            ? given.textValue()
            : "call_"
                + HexFormat.of()
                    .formatHex(
                        Digests.sha256(responseId + "/" + index + "/" + name + "/" + arguments))
                    .substring(0, 24);
    if (computerFunctions.contains(name)) {
      ObjectNode computer = Json.object().put("name", name);
      computer.set("args", Json.parse(arguments));
      return new ToolCall(id, ComputerUse.TOOL_NAME, Json.write(computer));
    }
    return new ToolCall(id, name, arguments);
  }

  /** {@code logprobsResult}: the chosen token at each step, with the step's top candidates. */
  private void logprobs(JsonNode result) {
    JsonNode chosen = result.path("chosenCandidates");
    JsonNode top = result.path("topCandidates");
    for (int i = 0; i < chosen.size(); i++) {
      List<TokenLogprob.Alternative> alternatives = new ArrayList<>();
      for (JsonNode a : top.path(i).path("candidates")) {
        alternatives.add(
            new TokenLogprob.Alternative(
                a.path("token").asText(), a.path("logProbability").asDouble()));
      }
      JsonNode c = chosen.get(i);
      logprobs.add(
          new TokenLogprob(
              c.path("token").asText(), c.path("logProbability").asDouble(), alternatives));
    }
  }

  /**
   * The answer.
   *
   * @throws ProviderException {@code CONTENT_FILTER} when the prompt was blocked or a filter
   *     stopped the answer; {@code INVALID_RESPONSE} when no candidate came
   */
  ParsedAnswer finish() {
    if (blockReason != null) {
      throw new ProviderException(
          new ApiError(
              ErrorKind.CONTENT_FILTER, "Gemini blocked the prompt: " + blockReason, 200, -1));
    }
    if (finishReason != null && FILTERED.contains(finishReason)) {
      throw new ProviderException(
          new ApiError(
              ErrorKind.CONTENT_FILTER, "Gemini stopped the answer: " + finishReason, 200, -1));
    }
    if (!sawCandidate) {
      throw Errors.unreadable("Gemini generateContent", new IllegalStateException("no candidates"));
    }
    close();
    List<Part> all = new ArrayList<>(parts);
    if (grounding != null) {
      all.add(0, search(grounding));
    }
    return new ParsedAnswer(Message.of(Role.ASSISTANT, all), finishReason, usage(), logprobs);
  }

  /**
   * A code run ({@code executableCode}) with its result ({@code codeExecutionResult}, or null while
   * none came): the code as arguments, the output (failed unless {@code OUTCOME_OK}), both parts
   * kept to go back in the model's turn.
   */
  private static ServerToolUse codeRun(JsonNode codePart, JsonNode resultPart) {
    ArrayNode raw = Json.MAPPER.createArrayNode().add(codePart);
    String output = null;
    boolean failed = false;
    if (resultPart != null) {
      raw.add(resultPart);
      JsonNode r = resultPart.get("codeExecutionResult");
      output = r.path("output").asText("");
      failed = !"OUTCOME_OK".equals(r.path("outcome").asText());
    }
    return new ServerToolUse(
        CodeInterpreter.KIND,
        null,
        CodeInterpreter.KIND,
        Json.write(
            Json.object().put("code", codePart.path("executableCode").path("code").asText(""))),
        output,
        failed,
        Json.write(raw),
        Thinking.GEMINI);
  }

  /**
   * The answer's grounding with Google Search ({@code groundingMetadata}): its queries as
   * arguments, its sources ({@code title — uri}) as output. Nothing goes back: Gemini needs none of
   * it.
   */
  private static ServerToolUse search(JsonNode grounding) {
    ObjectNode args = Json.object();
    grounding.path("webSearchQueries").forEach(args.putArray("queries")::add);
    List<String> sources = new ArrayList<>();
    for (JsonNode chunk : grounding.path("groundingChunks")) {
      JsonNode web = chunk.path("web");
      if (web.has("uri")) {
        sources.add(web.path("title").asText("") + " — " + web.path("uri").asText());
      }
    }
    return new ServerToolUse(
        WebSearch.KIND,
        null,
        WebSearch.KIND,
        Json.write(args),
        String.join("\n", sources),
        false,
        null,
        Thinking.GEMINI);
  }

  /**
   * {@code usageMetadata}: the prompt (cached tokens included, as Gemini counts them), the
   * candidate's tokens plus the thoughts, which Gemini counts apart but bills as output, and the
   * prompt's audio tokens ({@code promptTokensDetails} by modality).
   */
  private Usage usage() {
    if (usage == null) {
      return Usage.ZERO;
    }
    long prompt = usage.path("promptTokenCount").asLong(0);
    long audio = 0;
    for (JsonNode d : usage.path("promptTokensDetails")) {
      if ("AUDIO".equals(d.path("modality").asText())) {
        audio += d.path("tokenCount").asLong(0);
      }
    }
    return new Usage(
        prompt,
        usage.path("candidatesTokenCount").asLong(0) + usage.path("thoughtsTokenCount").asLong(0),
        usage.path("cachedContentTokenCount").asLong(0),
        0,
        Math.min(prompt, audio));
  }
}
