package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Whether a model can serve a request, checked before anything is sent. */
final class Capabilities {
  private Capabilities() {}

  /** What the model lacks for this request, named with the model, if anything. */
  static Optional<String> missing(
      ModelSpec model, Conversation conversation, SamplingParams params, List<Tool> tools) {
    var caps = model.capabilities();
    if (params.logprobs() && !caps.logprobs()) {
      return lacks(model, "logprobs");
    }
    if (params.outputSchema().isPresent() && !caps.jsonSchema()) {
      return lacks(model, "JSON-schema output");
    }
    if (params.jsonMode() && !caps.jsonMode() && !caps.jsonSchema()) {
      return lacks(model, "JSON mode");
    }
    if (params.thinkingBudget().isPresent() && !takesThinkingBudget(model)) {
      return Optional.of(
          "model '"
              + model.id()
              + "' takes no thinking budget"
              + (caps.reasoningEfforts().isEmpty()
                  ? ""
                  : "; it takes a reasoning effort: "
                      + caps.reasoningEfforts().stream()
                          .map(ReasoningEffort::wireName)
                          .collect(Collectors.joining(", "))));
    }
    if (!tools.isEmpty() && !caps.tools()) {
      return lacks(model, "tools");
    }
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        for (Part p : part instanceof ToolResult r ? r.content() : List.of(part)) {
          if (p instanceof Image && !caps.images()) {
            return lacks(model, "image input");
          }
          if (p instanceof File f && f.isPdf() && !caps.pdfs()) {
            return lacks(model, "PDF input");
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the model thinks within a token budget the request may set: Claude (Anthropic, Bedrock
   * invoke and Converse), Gemini 2.5 and Cohere's reasoning models. Models that take an effort by
   * name (OpenAI's, Gemini 3) take no budget.
   */
  private static boolean takesThinkingBudget(ModelSpec model) {
    var caps = model.capabilities();
    if (!caps.reasoning() || !caps.reasoningEfforts().isEmpty()) {
      return false;
    }
    return switch (model.wireFormat()) {
      case ANTHROPIC, BEDROCK_ANTHROPIC, GEMINI, COHERE -> true;
      case BEDROCK_CONVERSE -> model.apiName().contains("anthropic.claude");
      default -> false;
    };
  }

  private static Optional<String> lacks(ModelSpec model, String capability) {
    return Optional.of("model '" + model.id() + "' does not support " + capability);
  }
}
