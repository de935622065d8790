package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.beam.LlmFailure;
import dev.beamllm.client.AgentResult;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.Usage;
import java.util.List;
import java.util.Locale;

/** The JSONL lines the job writes: one per answer, one per failure. */
final class OutputRows {
  private OutputRows() {}

  /**
   * id, model, completion, tool calls, the calls the provider ran itself ({@code server_tool_uses},
   * when any), finish reason, usage, cost, the service tier that served (when the provider says),
   * latency, attempts, cache hit, warnings (only when the client changed the request, such as
   * turning thinking off), metadata.
   */
  static String answer(ApiResponse r) {
    ObjectNode o = Json.object();
    o.put("id", r.conversationId().orElse(null));
    o.put("model", r.model());
    o.put("completion", r.completion());
    ArrayNode calls = o.putArray("tool_calls");
    for (ToolCall c : r.toolCalls()) {
      calls
          .addObject()
          .put("id", c.id())
          .put("name", c.name())
          .set("arguments", Json.parse(c.arguments()));
    }
    putServerToolUses(o, r.message().partsOf(ServerToolUse.class));
    o.put("finish_reason", r.finishReason().orElse(null));
    putUsage(o, r.usage());
    o.put("cost_usd", r.cost());
    r.serviceTier().ifPresent(t -> o.put("service_tier", t));
    o.put("latency_ms", r.latency().toMillis());
    o.put("attempts", r.attempts());
    o.put("cache_hit", r.cacheHit());
    if (!r.warnings().isEmpty()) {
      ArrayNode warnings = o.putArray("warnings");
      r.warnings().forEach(warnings::add);
    }
    r.conversationMetadataJson().ifPresent(m -> o.set("metadata", Json.parse(m)));
    return Json.write(o);
  }

  /**
   * The calls the provider ran itself (web search, remote MCP tools, ...) as {@code
   * server_tool_uses}: kind, server, name, arguments (JSON, or the text the provider sent), output
   * and whether it failed; nothing when there were none.
   */
  private static void putServerToolUses(ObjectNode o, List<ServerToolUse> calls) {
    o.remove("server_tool_uses");
    if (calls.isEmpty()) {
      return;
    }
    ArrayNode uses = o.putArray("server_tool_uses");
    for (ServerToolUse u : calls) {
      ObjectNode use = uses.addObject().put("kind", u.kind());
      if (u.server() != null) {
        use.put("server", u.server());
      }
      use.put("name", u.name());
      try {
        use.set("arguments", Json.parse(u.arguments()));
      } catch (RuntimeException notJson) {
        use.put("arguments", u.arguments());
      }
      use.put("output", u.output()).put("is_error", u.isError());
    }
  }

  /**
   * An agent's row ({@code --maxTurns} with tools): the final answer's line ({@link #answer}) with
   * the loop's turns and tool calls, usage and cost over every turn, and the whole conversation
   * (the row's messages, each answer, each turn's tool results) in the prompt file's JSON form.
   */
  static String agentAnswer(AgentResult r) {
    ObjectNode o = (ObjectNode) Json.parse(answer(r.last()));
    o.put("turns", r.turns());
    o.put("tool_call_count", r.toolCalls());
    o.put("attempts", r.attempts());
    putUsage(o, r.usage());
    o.put("cost_usd", r.cost());
    putServerToolUses(
        o,
        r.conversation().messages().stream()
            .flatMap(m -> m.partsOf(ServerToolUse.class).stream())
            .toList());
    o.set("conversation", Json.parse(r.conversation().toJson()));
    return Json.write(o);
  }

  /**
   * id, error kind, message, attempts, model, status, the turn it failed on (agent and extraction
   * rows only), the refused answer (extraction rows only) and the row as the user wrote it.
   */
  static String failure(LlmFailure f) {
    ObjectNode o = Json.object();
    o.put("id", f.input().id().orElse(null));
    o.put("error_kind", f.error().kind().name().toLowerCase(Locale.ROOT));
    o.put("message", f.error().message());
    o.put("attempts", f.attempts());
    o.put("model", f.model());
    o.put("status", f.error().status());
    if (f.getTurn() > 0) {
      o.put("turn", f.getTurn());
    }
    if (f.getAnswer() != null) {
      // An extraction's answer that stayed invalid for its schema.
      o.put("answer", f.getAnswer());
    }
    f.input().metadataJson().ifPresent(m -> o.set("metadata", Json.parse(m)));
    o.put("row", f.request().source().orElseGet(() -> f.input().toJson()));
    return Json.write(o);
  }

  /** An embedding: id, model, the vector, its length, the input tokens, the cost, cache hit. */
  static String embedding(Embedding e) {
    ObjectNode o = Json.object();
    o.put("id", e.id().orElse(null));
    o.put("model", e.model());
    ArrayNode vector = o.putArray("embedding");
    for (float f : e.vector()) {
      vector.add(f);
    }
    o.put("dimensions", e.dimensions());
    o.put("input_tokens", e.inputTokens());
    o.put("cost_usd", e.cost());
    o.put("cache_hit", e.cacheHit());
    return Json.write(o);
  }

  /** A text that got no vector: id, error kind, message, model, status. */
  static String embeddingFailure(Embedding e) {
    ObjectNode o = Json.object();
    o.put("id", e.id().orElse(null));
    o.put("error_kind", e.error().orElseThrow().kind().name().toLowerCase(Locale.ROOT));
    o.put("message", e.error().orElseThrow().message());
    o.put("model", e.model());
    o.put("status", e.error().orElseThrow().status());
    return Json.write(o);
  }

  /** The {@code usage} object of a line. */
  private static void putUsage(ObjectNode o, Usage u) {
    ObjectNode usage =
        o.putObject("usage")
            .put("input_tokens", u.inputTokens())
            .put("output_tokens", u.outputTokens())
            .put("cache_read_tokens", u.cacheReadTokens())
            .put("cache_write_tokens", u.cacheWriteTokens());
    if (u.audioInputTokens() > 0) {
      // The part of the input that was audio, priced at the model's audio rate.
      usage.put("audio_input_tokens", u.audioInputTokens());
    }
  }

  /** A row that could not be read. */
  static String badRow(String file, int line, String id, String reason, String text) {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("error_kind", "invalid_input");
    o.put("message", reason);
    o.put("file", file);
    o.put("line", line);
    o.put("row", text);
    return Json.write(o);
  }
}
