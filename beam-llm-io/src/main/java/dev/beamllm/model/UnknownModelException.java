package dev.beamllm.model;

import java.util.List;

/** No model has the requested id or alias; the message suggests the closest known names. */
public class UnknownModelException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UnknownModelException(String name, List<String> suggestions) {
    super(
        "unknown model '"
            + name
            + "'"
            + (suggestions.isEmpty()
                ? ""
                : "; did you mean " + String.join(", ", suggestions) + "?")
            + " (register custom models with ModelRegistry.withModelsFrom or --models-file)");
  }
}
