package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What Gemini 3 models refuse that Gemini 2.5 takes: a step of the current turn whose first {@code
 * functionCall} part has no {@code thoughtSignature} (ai.google.dev/gemini-api/docs/
 * thought-signatures), and thinking levels the model does not have; a {@code thinkingLevel} to a
 * model before Gemini 3, or beside a {@code thinkingBudget}, is refused for every model
 * (ai.google.dev/gemini-api/docs/thinking). Models are told apart by name, as the fake has no
 * registry: {@code gemini-3-pro*} takes low and high, the other {@code gemini-3*} models minimal,
 * low, medium and high. The messages are the ones the Gemini API sends.
 */
final class GeminiThreeRules {
  private static final Set<String> PRO_LEVELS = Set.of("LOW", "HIGH");
  private static final Set<String> FLASH_LEVELS = Set.of("MINIMAL", "LOW", "MEDIUM", "HIGH");
  private static final List<String> ALL_LEVELS =
      List.of("THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH");

  private GeminiThreeRules() {}

  /**
   * Whether the model is a Gemini 3 text model. Gemini 3 Pro Image does not enforce signatures, as
   * Vertex AI's thought-signatures page says, so image models are left out.
   */
  static boolean isGeminiThree(String model) {
    return model.startsWith("gemini-3") && !model.contains("image");
  }

  /**
   * Refuses, for a Gemini 3 model, a model turn after the last user text whose first function call
   * carries no signature. The current turn starts at the last user content that is not only
   * function responses; earlier turns are not checked, as Gemini does not check them.
   *
   * @param contents the request's {@code contents}, already checked to be an array of contents
   */
  static void checkSignatures(JsonNode contents, String model) {
    if (!isGeminiThree(model)) {
      return;
    }
    int start = 0;
    for (int i = 0; i < contents.size(); i++) {
      if (isUser(contents.get(i)) && !onlyFunctionResponses(contents.get(i))) {
        start = i;
      }
    }
    for (int i = start; i < contents.size(); i++) {
      JsonNode content = contents.get(i);
      if (isUser(content)) {
        continue;
      }
      for (JsonNode part : GeminiFields.get(content, "parts")) {
        JsonNode call = GeminiFields.get(part, "functionCall");
        if (call == null) {
          continue;
        }
        JsonNode signature = GeminiFields.get(part, "thoughtSignature");
        if (signature == null || signature.asText().isEmpty()) {
          throw ProviderError.badRequest(
              "Function call is missing a thought_signature in functionCall parts. This is"
                  + " required for tools to work correctly, and missing thought_signature may lead"
                  + " to degraded model performance. Additional data, function call `default_api:"
                  + GeminiFields.get(call, "name").asText()
                  + "` , position "
                  + (i + 1)
                  + ". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures"
                  + " for more details.",
              null);
        }
        break;
      }
    }
  }

  /**
   * Checks {@code thinkingConfig.thinkingLevel} against the budget beside it and the model.
   *
   * @param level the level as sent (any case), or null
   * @param hasBudget whether {@code thinkingBudget} is set too
   * @param at the proto path of the thinking config, for a value that is no level at all
   */
  static void checkLevel(JsonNode level, boolean hasBudget, String model, String at) {
    if (level == null) {
      return;
    }
    String name = level.asText().toUpperCase(Locale.ROOT);
    if (!level.isTextual() || !ALL_LEVELS.contains(name)) {
      throw ProviderError.badRequest(
          "Invalid value at '"
              + at
              + ".thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta."
              + "ThinkingConfig.ThinkingLevel), "
              + level,
          at + ".thinking_level");
    }
    if (hasBudget) {
      throw ProviderError.badRequest(
          "You can only set only one of thinking budget and thinking level.", null);
    }
    if (!isGeminiThree(model)) {
      throw ProviderError.badRequest("Thinking level is not supported for this model.", null);
    }
    Set<String> levels = model.startsWith("gemini-3-pro") ? PRO_LEVELS : FLASH_LEVELS;
    if (!name.equals("THINKING_LEVEL_UNSPECIFIED") && !levels.contains(name)) {
      throw ProviderError.badRequest(
          "Thinking level " + name + " is not supported for this model.", null);
    }
  }

  private static boolean isUser(JsonNode content) {
    JsonNode role = GeminiFields.get(content, "role");
    return role == null || role.asText().equals("user");
  }

  private static boolean onlyFunctionResponses(JsonNode content) {
    JsonNode parts = GeminiFields.get(content, "parts");
    if (parts == null || parts.isEmpty()) {
      return false;
    }
    for (JsonNode part : parts) {
      if (!GeminiFields.has(part, "functionResponse")) {
        return false;
      }
    }
    return true;
  }
}
