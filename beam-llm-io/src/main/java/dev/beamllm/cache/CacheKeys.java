package dev.beamllm.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.Tool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cache keys: the conversation's fingerprint plus everything else that changes the answer — the
 * models that may answer, the sampling parameters (output schema included) and the tools. lm-deluge
 * keyed on the conversation alone, so a change of model or temperature returned stale answers.
 */
public final class CacheKeys {
  private CacheKeys() {}

  /** The key for a request. */
  public static String of(
      Conversation conversation, List<String> models, SamplingParams params, List<Tool> tools) {
    return of(conversation, models, params, Map.of(), tools);
  }

  /** The key for a request whose models may have their own sampling parameters. */
  public static String of(
      Conversation conversation,
      List<String> models,
      SamplingParams params,
      Map<String, SamplingParams> perModel,
      List<Tool> tools) {
    return of(conversation, models, params, perModel, tools, null);
  }

  /** The key for a request whose bodies carry the client's extra JSON (or null for none). */
  public static String of(
      Conversation conversation,
      List<String> models,
      SamplingParams params,
      Map<String, SamplingParams> perModel,
      List<Tool> tools,
      String extraBody) {
    return of(conversation, models, params, perModel, tools, extraBody, List.of());
  }

  /**
   * The key for a request that the provider answers with the help of remote MCP servers, each given
   * as its name and URL (never its headers); keys without any are those of the other forms.
   */
  public static String of(
      Conversation conversation,
      List<String> models,
      SamplingParams params,
      Map<String, SamplingParams> perModel,
      List<Tool> tools,
      String extraBody,
      List<String> remoteMcpServers) {
    ObjectNode key = Json.object();
    key.put("v", 1);
    key.put("conversation", conversation.fingerprint());
    ArrayNode m = key.putArray("models");
    new TreeSet<>(models).forEach(m::add);
    writeParams(key.putObject("params"), params);
    ObjectNode per = key.putObject("per_model_params");
    new TreeMap<>(perModel).forEach((model, ps) -> writeParams(per.putObject(model), ps));
    ArrayNode t = key.putArray("tools");
    for (Tool tool : tools) {
      ObjectNode def =
          t.addObject().put("name", tool.name()).put("description", tool.description());
      def.set("parameters", Json.parse(tool.parametersJson()));
      if (tool.strict()) {
        def.put("strict", true);
      }
      if (tool.isComputerUse()) {
        def.set("computer_use", Json.parse(tool.computerUse().toJson()));
      }
      if (tool.builtin() != null) {
        def.set("builtin", Json.parse(tool.builtin().toJson()));
      }
    }
    if (extraBody != null) {
      key.set("extra_body", Json.parse(extraBody));
    }
    if (!remoteMcpServers.isEmpty()) {
      ArrayNode r = key.putArray("remote_mcp");
      new TreeSet<>(remoteMcpServers).forEach(r::add);
    }
    return Digests.sha256Hex(Json.canonical(key).getBytes(StandardCharsets.UTF_8));
  }

  private static void writeParams(ObjectNode p, SamplingParams params) {
    params.temperature().ifPresent(t -> p.put("temperature", t));
    params.topP().ifPresent(t -> p.put("top_p", t));
    p.put("max_new_tokens", params.maxNewTokens());
    p.put("json_mode", params.jsonMode());
    params.outputSchema().ifPresent(s -> p.set("output_schema", Json.parse(s)));
    params.reasoningEffort().ifPresent(e -> p.put("reasoning_effort", e.wireName()));
    params.thinkingBudget().ifPresent(n -> p.put("thinking_budget", n));
    params.verbosity().ifPresent(v -> p.put("verbosity", v.wireName()));
    params.mediaResolution().ifPresent(r -> p.put("media_resolution", r.name()));
    p.put("logprobs", params.logprobs());
    params.topLogprobs().ifPresent(n -> p.put("top_logprobs", n));
  }
}
