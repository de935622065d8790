package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.tool.Tool;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The first step of each attempt: chooses the model. A request naming its own model goes there
 * alone; one preferring a model goes there while it can; any other is sprayed over the client's
 * models by weight, preferring those it was asked to avoid not to. Never a model that was given up
 * ({@link ModelHealth}) or that cannot serve the request ({@link Capabilities}). Thread-safe; what
 * one request learns stays with the request.
 */
final class PickModel {
  private final ModelSpecs specs;
  private final ModelPicker picker;
  private final ModelHealth health;
  private final Function<String, SamplingParams> paramsFor;
  private final List<Tool> tools;
  private final List<String> models;

  /**
   * The chosen model, its spec and the request's sampling parameters there; or, with a null model,
   * the error that ends the request.
   */
  record Choice(String model, ModelSpec spec, SamplingParams params, ApiError error) {
    static Choice end(ApiError error) {
      return new Choice(null, null, null, error);
    }
  }

  /**
   * @param paramsFor the client's sampling parameters for a model id
   * @param models the client's models, in order
   */
  PickModel(
      ModelSpecs specs,
      ModelPicker picker,
      ModelHealth health,
      Function<String, SamplingParams> paramsFor,
      List<Tool> tools,
      List<String> models) {
    this.specs = specs;
    this.picker = picker;
    this.health = health;
    this.paramsFor = paramsFor;
    this.tools = tools;
    this.models = models;
  }

  /**
   * The model for the request's next attempt.
   *
   * @param incapable the models found unable to serve the request, with why; those found here are
   *     added
   * @param avoid models to prefer not to use
   * @param lastModel the previous attempt's model, or null
   * @param lastError the previous attempt's error, or null
   */
  Choice pick(
      LlmRequest request,
      Map<String, String> incapable,
      Set<String> avoid,
      String lastModel,
      ApiError lastError) {
    try {
      return request.model().isPresent()
          ? own(request, request.model().get(), incapable, lastError)
          : sprayed(request, incapable, avoid, lastModel, lastError);
    } catch (IllegalArgumentException unknown) {
      return Choice.end(ApiError.of(ErrorKind.INVALID_INPUT, unknown.getMessage()));
    }
  }

  private Choice own(
      LlmRequest request, String m, Map<String, String> incapable, ApiError lastError) {
    ModelSpec s = specs.get(m);
    ApiError gone = health.reason(m);
    if (gone != null || incapable.containsKey(m)) {
      return Choice.end(gone != null ? gone : lastError);
    }
    SamplingParams p = request.applyTo(paramsFor.apply(s.id()));
    var missing = Capabilities.missing(s, request.conversation(), p, request.toolsOr(tools));
    if (missing.isPresent()) {
      return Choice.end(ApiError.of(ErrorKind.UNSUPPORTED, missing.get()));
    }
    return new Choice(m, s, p, null);
  }

  /**
   * The request's preferred model when it is not given up, not to be avoided and can serve the
   * request; else null, and the request is sprayed as any other.
   */
  private Choice preferredChoice(
      LlmRequest request, Set<String> unwanted, Map<String, String> incapable) {
    if (request.preferredModel().isEmpty()) {
      return null;
    }
    String m = request.preferredModel().get();
    if (unwanted.contains(m) || health.reason(m) != null) {
      return null;
    }
    ModelSpec s = specs.get(m);
    SamplingParams p = request.applyTo(paramsFor.apply(s.id()));
    var missing = Capabilities.missing(s, request.conversation(), p, request.toolsOr(tools));
    if (missing.isPresent()) {
      incapable.put(m, missing.get());
      return null;
    }
    return new Choice(m, s, p, null);
  }

  private Choice sprayed(
      LlmRequest request,
      Map<String, String> incapable,
      Set<String> avoid,
      String lastModel,
      ApiError lastError) {
    Set<String> excluded = new HashSet<>(health.goneModels());
    excluded.addAll(incapable.keySet());
    Set<String> preferred = new HashSet<>(excluded);
    preferred.addAll(avoid);
    Choice mine = preferredChoice(request, preferred, incapable);
    if (mine != null) {
      return mine;
    }
    String m = picker.pick(preferred);
    if (m == null) {
      m = picker.pick(excluded);
    }
    while (m != null) {
      ModelSpec s = specs.get(m);
      SamplingParams p = request.applyTo(paramsFor.apply(s.id()));
      var missing = Capabilities.missing(s, request.conversation(), p, request.toolsOr(tools));
      if (missing.isEmpty()) {
        return new Choice(m, s, p, null);
      }
      incapable.put(m, missing.get());
      excluded.add(m);
      m = picker.pick(excluded);
    }
    // After a model was given up, its reason (naming the model) says more than the attempt's error.
    boolean lastModelGone = lastModel != null && health.isGone(lastModel);
    return Choice.end(
        lastError != null && !lastModelGone
            ? lastError
            : !incapable.isEmpty()
                ? ApiError.of(ErrorKind.UNSUPPORTED, String.join("; ", incapable.values()))
                : health.noModelLeft(models));
  }
}
