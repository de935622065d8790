package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Gemini's {@code GenerateContentResponse}: one candidate whose parts are the thought (when asked
 * for), then code runs ({@code executableCode} and {@code codeExecutionResult}, {@link
 * BuiltinToolCalls}), then the text or the function calls (with {@code groundingMetadata} after
 * searches), with the thought signature on the first part after the thought; {@code usageMetadata}
 * counts thoughts apart from the candidate's tokens.
 */
final class GeminiResponses {
  private GeminiResponses() {}

  /** The whole answer, as {@code generateContent} returns it. */
  static ObjectNode response(ParsedRequest request, Answer answer, String responseId) {
    List<ObjectNode> parts = new ArrayList<>();
    if (answer.thinking() != null) {
      parts.add(thought(answer));
    }
    Builtin builtin = builtin(request, answer);
    parts.addAll(builtin.codeParts());
    if (answer.toolCalls().isEmpty()) {
      parts.add(Json.object().put("text", builtin.text()));
    } else {
      answer.toolCalls().forEach(c -> parts.add(functionCall(c)));
    }
    sign(parts, request, answer);
    ObjectNode root = envelope(parts, request, responseId);
    ObjectNode candidate = (ObjectNode) root.get("candidates").get(0);
    candidate.put("finishReason", finishReason(answer));
    if (builtin.grounding() != null) {
      candidate.set("groundingMetadata", builtin.grounding());
    }
    if (request.logprobs()) {
      logprobs(candidate, answer, request.topLogprobs());
    }
    root.set("usageMetadata", withModalities(usage(answer, answer.outputTokens()), request));
    return root;
  }

  /**
   * The answer as {@code streamGenerateContent} sends it: the thought, then the text in pieces (or
   * the function calls whole, as Gemini sends them); the last chunk has the finish reason, and
   * every chunk carries the usage so far, as Gemini's do.
   */
  static List<ObjectNode> chunks(ParsedRequest request, Answer answer, String responseId) {
    List<List<ObjectNode>> partsPerChunk = new ArrayList<>();
    List<Long> outputSoFar = new ArrayList<>();
    long thoughtTokens = answer.thinking() == null ? 0 : FakeAnswerer.count(answer.thinking());
    if (answer.thinking() != null) {
      partsPerChunk.add(List.of(thought(answer)));
      outputSoFar.add(thoughtTokens);
    }
    Builtin builtin = builtin(request, answer);
    if (!builtin.codeParts().isEmpty()) {
      partsPerChunk.add(new ArrayList<>(builtin.codeParts()));
      outputSoFar.add(thoughtTokens);
    }
    if (!answer.toolCalls().isEmpty()) {
      List<ObjectNode> calls = new ArrayList<>();
      answer.toolCalls().forEach(c -> calls.add(functionCall(c)));
      partsPerChunk.add(calls);
      outputSoFar.add(answer.outputTokens());
    } else {
      StringBuilder sent = new StringBuilder();
      List<String> pieces = OpenAiChatDialect.pieces(builtin.text());
      for (String piece : pieces.isEmpty() ? List.of("") : pieces) {
        sent.append(piece);
        partsPerChunk.add(List.of(Json.object().put("text", piece)));
        outputSoFar.add(thoughtTokens + FakeAnswerer.count(sent.toString()));
      }
    }
    int firstAfterThought = answer.thinking() == null ? 0 : 1;
    sign(partsPerChunk.get(firstAfterThought), request, answer);
    List<ObjectNode> chunks = new ArrayList<>();
    for (int i = 0; i < partsPerChunk.size(); i++) {
      ObjectNode chunk = envelope(partsPerChunk.get(i), request, responseId);
      boolean last = i == partsPerChunk.size() - 1;
      // The final count is the answer's own, whatever re-tokenizing the pieces gives.
      chunk.set(
          "usageMetadata",
          withModalities(
              usage(answer, last ? answer.outputTokens() : outputSoFar.get(i)), request));
      if (last) {
        ((ObjectNode) chunk.get("candidates").get(0)).put("finishReason", finishReason(answer));
        if (builtin.grounding() != null) {
          ((ObjectNode) chunk.get("candidates").get(0))
              .set("groundingMetadata", builtin.grounding());
        }
      }
      chunks.add(chunk);
    }
    return chunks;
  }

  /**
   * What the built-in tools add ({@link BuiltinToolCalls}).
   *
   * @param codeParts each code run's {@code executableCode} and {@code codeExecutionResult} parts
   * @param text the answer's text, after the sentence citing the first page found, if any
   * @param grounding the candidate's {@code groundingMetadata} after searches, else null
   */
  record Builtin(List<ObjectNode> codeParts, String text, ObjectNode grounding) {}

  /**
   * Code runs as parts; searches as {@code groundingMetadata}: the queries, every page found as a
   * chunk, and one support tying the cited words (UTF-8 byte offsets, as Gemini counts) to the
   * first page.
   */
  static Builtin builtin(ParsedRequest request, Answer answer) {
    BuiltinToolCalls.Offer offer = BuiltinToolCalls.Offer.of(request);
    List<ObjectNode> codeParts = new ArrayList<>();
    ObjectNode grounding = null;
    String text = answer.text();
    for (BuiltinToolCalls.Call c : BuiltinToolCalls.calls(request.conversation(), offer)) {
      if (!c.search()) {
        ObjectNode code = Json.object();
        code.putObject("executableCode").put("language", "PYTHON").put("code", c.input());
        codeParts.add(code);
        ObjectNode result = Json.object();
        result
            .putObject("codeExecutionResult")
            .put("outcome", "OUTCOME_OK")
            .put("output", BuiltinToolCalls.logs(c.input()));
        codeParts.add(result);
        continue;
      }
      List<BuiltinToolCalls.Result> pages = BuiltinToolCalls.results(c.input(), offer);
      if (grounding == null) {
        grounding = Json.object();
        grounding.putArray("webSearchQueries");
        grounding.putArray("groundingChunks");
        grounding.putArray("groundingSupports");
        BuiltinToolCalls.Result cited = pages.get(0);
        text = BuiltinToolCalls.citingSentence(cited) + " " + answer.text();
        int start = utf8(BuiltinToolCalls.CITING_PREFIX);
        String words = BuiltinToolCalls.citedText(cited);
        ObjectNode support = ((ArrayNode) grounding.get("groundingSupports")).addObject();
        support
            .putObject("segment")
            .put("startIndex", start)
            .put("endIndex", start + utf8(words))
            .put("text", words);
        support.putArray("groundingChunkIndices").add(0);
      }
      ((ArrayNode) grounding.get("webSearchQueries")).add(c.input());
      for (BuiltinToolCalls.Result page : pages) {
        ((ArrayNode) grounding.get("groundingChunks"))
            .addObject()
            .putObject("web")
            .put("uri", page.url())
            .put("title", page.title());
      }
    }
    return new Builtin(codeParts, text, grounding);
  }

  private static int utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static ObjectNode envelope(
      List<ObjectNode> parts, ParsedRequest request, String responseId) {
    ObjectNode root = Json.object();
    ObjectNode candidate = root.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.putArray("parts").addAll(parts);
    content.put("role", "model");
    candidate.put("index", 0);
    root.put("modelVersion", request.model());
    root.put("responseId", responseId);
    return root;
  }

  private static ObjectNode thought(Answer answer) {
    return Json.object().put("text", answer.thinking()).put("thought", true);
  }

  private static ObjectNode functionCall(Answer.ToolCallOut call) {
    if (call.computer() != null && call.computer().geminiCall() != null) {
      // A computer action: the predefined function Gemini calls for it.
      return Json.object().set("functionCall", call.computer().geminiCall().deepCopy());
    }
    ObjectNode part = Json.object();
    part.putObject("functionCall")
        .put("name", call.name())
        .set("args", Json.parse(call.argumentsJson()));
    return part;
  }

  /** The signature goes on the first part that is not the thought, where Gemini puts it. */
  private static void sign(List<ObjectNode> parts, ParsedRequest request, Answer answer) {
    String signature = signature(request, answer);
    if (signature == null) {
      return;
    }
    for (ObjectNode part : parts) {
      if (!part.has("thought")) {
        part.put("thoughtSignature", signature);
        return;
      }
    }
  }

  /**
   * The answer's signature; Gemini 3 signs its function calls even when thoughts are not returned
   * (ai.google.dev/gemini-api/docs/thought-signatures), and wants that signature back.
   */
  private static String signature(ParsedRequest request, Answer answer) {
    if (answer.thinkingSignature() != null
        || answer.toolCalls().isEmpty()
        || !GeminiThreeRules.isGeminiThree(request.model())) {
      return answer.thinkingSignature();
    }
    return Base64.getEncoder()
        .encodeToString(Digests.sha256("sig:" + request.conversation().fingerprint()));
  }

  /** Function calls end with {@code STOP} too: Gemini has no finish reason of its own for them. */
  private static String finishReason(Answer answer) {
    return answer.finish() == Answer.Finish.LENGTH ? "MAX_TOKENS" : "STOP";
  }

  /**
   * {@code usageMetadata}: the prompt, the candidate's tokens without the thoughts, the thoughts
   * apart, and their total.
   *
   * @param output the output tokens so far, thoughts included
   */
  static ObjectNode usage(Answer answer, long output) {
    long thoughts =
        answer.thinking() == null ? 0 : Math.min(output, FakeAnswerer.count(answer.thinking()));
    ObjectNode usage = Json.object();
    usage.put("promptTokenCount", answer.totalInputTokens());
    usage.put("candidatesTokenCount", output - thoughts);
    usage.put("totalTokenCount", answer.totalInputTokens() + output);
    if (answer.cacheReadTokens() > 0) {
      usage.put("cachedContentTokenCount", answer.cacheReadTokens());
    }
    if (thoughts > 0) {
      usage.put("thoughtsTokenCount", thoughts);
    }
    return usage;
  }

  /**
   * Adds {@code promptTokensDetails} by modality when the request holds audio, as Gemini reports it
   * ({@code [{"modality": "TEXT", "tokenCount": n}, {"modality": "AUDIO", "tokenCount": m}]}),
   * audio at its documented 32 tokens a second; other usage is left as it was.
   */
  private static ObjectNode withModalities(ObjectNode usage, ParsedRequest request) {
    long audio = TokenCounter.audioEstimate(request.conversation(), TokenCounter.ImageRule.GEMINI);
    if (audio > 0) {
      long prompt = usage.get("promptTokenCount").asLong();
      ArrayNode details = usage.putArray("promptTokensDetails");
      details.addObject().put("modality", "TEXT").put("tokenCount", Math.max(0, prompt - audio));
      details.addObject().put("modality", "AUDIO").put("tokenCount", audio);
    }
    return usage;
  }

  /**
   * {@code avgLogprobs} and {@code logprobsResult} with the same per-token values the OpenAI
   * dialect gives, so the fake's providers agree.
   */
  private static void logprobs(ObjectNode candidate, Answer answer, int top) {
    ArrayNode openAi = OpenAiChatDialect.logprobs(answer, top);
    ObjectNode result = candidate.putObject("logprobsResult");
    ArrayNode topCandidates = result.putArray("topCandidates");
    ArrayNode chosen = result.putArray("chosenCandidates");
    double sum = 0;
    for (JsonNode token : openAi) {
      chosen
          .addObject()
          .put("token", token.get("token").asText())
          .put("logProbability", token.get("logprob").asDouble());
      ArrayNode alternatives = topCandidates.addObject().putArray("candidates");
      for (JsonNode alt : token.get("top_logprobs")) {
        alternatives
            .addObject()
            .put("token", alt.get("token").asText())
            .put("logProbability", alt.get("logprob").asDouble());
      }
      sum += token.get("logprob").asDouble();
    }
    candidate.put("avgLogprobs", openAi.isEmpty() ? 0 : sum / openAi.size());
  }
}
