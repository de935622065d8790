package dev.beamllm.client;

import dev.beamllm.model.EffortSupport;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Optional;

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
    if (params.thinkingBudget().isPresent()) {
      Optional<String> budget = EffortSupport.budgetRefusal(model, params.thinkingBudget().get());
      if (budget.isPresent()) {
        return budget;
      }
    }
    if (!tools.isEmpty() && !caps.tools()) {
      return lacks(model, "tools");
    }
    Optional<String> effort =
        EffortSupport.effective(model, params).flatMap(e -> EffortSupport.refusal(model, e));
    if (effort.isPresent()) {
      return effort;
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
          if (p instanceof Audio && !caps.audioInput()) {
            return lacks(model, "audio input");
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> lacks(ModelSpec model, String capability) {
    return Optional.of("model '" + model.id() + "' does not support " + capability);
  }
}
