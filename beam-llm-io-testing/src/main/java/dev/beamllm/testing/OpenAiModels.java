package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.WireFormat;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the built-in registry says about the models reached through OpenAI's formats, by the name a
 * request sends: the API name (an Azure deployment is named after its model, as the registry's
 * Azure entries are). The OpenAI dialects refuse what OpenAI refuses for such a model; a name the
 * registry does not know is served without these checks, so tests may use any name.
 */
final class OpenAiModels {
  /** Whether a model reasons, and the efforts it takes by name. */
  record Known(boolean reasoning, Set<ReasoningEffort> efforts) {}

  private OpenAiModels() {}

  /** Read on first need, so requests that name no effort never wait for the registry. */
  private static final class ByName {
    static final Map<String, Known> MAP = load();
  }

  private static Map<String, Known> load() {
    Map<String, Known> out = new HashMap<>();
    for (ModelSpec m : ModelRegistry.defaults().models()) {
      if (m.wireFormat() != WireFormat.OPENAI && m.wireFormat() != WireFormat.OPENAI_RESPONSES) {
        continue;
      }
      // Several providers may serve one name: what any of them takes is taken.
      Known old = out.get(m.apiName());
      Set<ReasoningEffort> efforts = EnumSet.noneOf(ReasoningEffort.class);
      efforts.addAll(m.capabilities().reasoningEfforts());
      boolean reasoning = m.capabilities().reasoning();
      if (old != null) {
        efforts.addAll(old.efforts());
        reasoning |= old.reasoning();
      }
      out.put(m.apiName(), new Known(reasoning, Set.copyOf(efforts)));
    }
    return Map.copyOf(out);
  }

  /** The registry's word on a model, or null for a name it does not know. */
  static Known find(String name) {
    return ByName.MAP.get(name);
  }

  /** Whether the registry knows the model as a reasoning model. */
  static boolean reasons(String name) {
    Known k = find(name);
    return k != null && k.reasoning();
  }

  /**
   * Refuses a reasoning effort as OpenAI does: a value that is no effort at all, an effort the
   * model does not take ({@code unsupported_value}, listing those it takes), or any effort for a
   * model that takes none ({@code unsupported_parameter}).
   *
   * @param model the model the request names
   * @param effort the effort sent, or null
   * @param param where it was sent: {@code reasoning_effort} (chat) or {@code reasoning.effort}
   *     (Responses)
   */
  static void checkEffort(String model, JsonNode effort, String param) {
    if (effort == null || effort.isNull()) {
      return;
    }
    ReasoningEffort e = null;
    for (ReasoningEffort candidate : ReasoningEffort.values()) {
      if (candidate.wireName().equals(effort.asText())) {
        e = candidate;
      }
    }
    if (e == null) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + effort.asText()
              + "'. Supported values are: 'none', 'minimal', "
              + "'low', 'medium', 'high', and 'xhigh'.",
          param);
    }
    Known known = find(model);
    if (known == null || known.efforts().contains(e)) {
      return;
    }
    if (known.efforts().isEmpty()) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Unsupported parameter: '" + param + "' is not supported with this model.",
          param,
          "unsupported_parameter");
    }
    throw new ProviderError(
        ErrorKind.BAD_REQUEST,
        "Unsupported value: '"
            + e.wireName()
            + "' is not supported with the '"
            + model
            + "' model. Supported values are: "
            + quotedList(known.efforts())
            + ".",
        param,
        "unsupported_value");
  }

  /**
   * {@code 'low'}, {@code 'low' and 'high'}, {@code 'low', 'medium', and 'high'}, as OpenAI lists.
   */
  private static String quotedList(Set<ReasoningEffort> efforts) {
    List<String> q = EnumSet.copyOf(efforts).stream().map(e -> "'" + e.wireName() + "'").toList();
    if (q.size() <= 2) {
      return String.join(" and ", q);
    }
    return q.subList(0, q.size() - 1).stream().collect(Collectors.joining(", "))
        + ", and "
        + q.get(q.size() - 1);
  }
}
