package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The skeleton of a non-chat request kind ({@link EmbedDispatch}, {@link RerankDispatch}, {@link
 * TranscribeDispatch}): finds the model and its wire format's API for the feature (every input
 * fails alike when there is none), then lets the feature start its inputs with the shared pieces:
 * identical inputs gathered by cache key, cache entries read and written, the request built with a
 * missing key or a refused input failing only its inputs, and the call under the client's limits
 * and retries ({@link ProviderCall}).
 *
 * @param <I> an input (a text, a query, an audio file)
 * @param <S> the feature's settings
 * @param <A> the feature's API of a wire format
 * @param <R> an input's result, or its failure
 */
abstract class FeatureDispatch<I, S, A, R> {
  private final DispatchContext context;

  FeatureDispatch(DispatchContext context) {
    this.context = context;
  }

  // ---- what a feature says ----

  /** The model the settings name. */
  abstract String model(S settings);

  /** The feature's API of the model's wire format, if this library calls one. */
  abstract Optional<A> api(WireRequests wire, ModelSpec spec);

  /** What the feature's models are, with the article, in an error ("an embedding" model). */
  abstract String modelKind();

  /** The input's id, or null. */
  abstract String id(I input);

  /** An input that got no result, and why. */
  abstract R failed(String id, String model, ApiError error);

  /** The same result under the input's id. */
  abstract R withId(R result, String id);

  /** The same result under the input's id, marked as served from the cache. */
  abstract R fromCache(R result, String id);

  /** A result read back from its cache entry. */
  abstract R fromEntry(String json);

  /** A result's cache entry. */
  abstract String toEntry(R result);

  /**
   * Starts the inputs of a model that has the feature's API; completes every future, none
   * exceptionally.
   */
  abstract void dispatch(
      ModelSpec spec, A api, S settings, List<I> inputs, List<CompletableFuture<R>> futures);

  // ---- the skeleton ----

  /** Starts every input; one future per input, in order, none completing exceptionally. */
  final List<CompletableFuture<R>> start(List<I> inputs, S settings) {
    List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
    inputs.forEach(i -> futures.add(new CompletableFuture<>()));
    ModelSpec spec;
    Optional<A> found;
    try {
      spec = context.specs().get(model(settings));
      found = api(context.wire(), spec);
    } catch (IllegalArgumentException unknown) {
      failAll(
          inputs,
          futures,
          model(settings),
          ApiError.of(ErrorKind.INVALID_INPUT, unknown.getMessage()));
      return futures;
    }
    if (found.isEmpty()) {
      failAll(
          inputs,
          futures,
          spec.id(),
          ApiError.of(
              ErrorKind.UNSUPPORTED,
              "model '"
                  + spec.id()
                  + "' is not "
                  + modelKind()
                  + " model of an API this library calls"));
      return futures;
    }
    dispatch(spec, found.get(), settings, inputs, futures);
    return futures;
  }

  private void failAll(
      List<I> inputs, List<CompletableFuture<R>> futures, String model, ApiError e) {
    for (int i = 0; i < inputs.size(); i++) {
      futures.get(i).complete(failed(id(inputs.get(i)), model, e));
    }
  }

  // ---- the shared pieces ----

  /** Identical inputs of one call (by cache key), in the order they first came, each sent once. */
  final Map<String, Identical> identical(
      List<I> inputs, List<CompletableFuture<R>> futures, Function<I, String> key) {
    Map<String, Identical> items = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      I in = inputs.get(i);
      Identical item = items.computeIfAbsent(key.apply(in), k -> new Identical(k, in));
      item.inputs.add(in);
      item.futures.add(futures.get(i));
    }
    return items;
  }

  /** The result stored under the key, if readable. */
  final Optional<R> cached(String key) {
    return context.cache().get(key, this::fromEntry);
  }

  /** Stores the result; completes once stored, or at once when it cannot be. */
  final CompletableFuture<Void> store(String key, R result) {
    return context.cache().put(key, toEntry(result));
  }

  /** Builds a request from the client's credentials and headers. */
  interface RequestBuilder<Q> {
    Q build(WireRequests wire);
  }

  /**
   * The request, or null after {@code fail} was given why it could not be built: {@code AUTH} for a
   * missing key, the refusal of an input the request cannot take otherwise.
   */
  final <Q> Q request(ModelSpec spec, RequestBuilder<Q> builder, Consumer<ApiError> fail) {
    try {
      return builder.build(context.wire());
    } catch (ApiKeys.MissingKeyException e) {
      fail.accept(ApiError.of(ErrorKind.AUTH, e.getMessage()));
    } catch (RuntimeException e) {
      fail.accept(Classify.refused(spec.id(), e));
    }
    return null;
  }

  /**
   * Sends a request under the client's limits and retries; see {@link ProviderCall}.
   *
   * @param usedTokens the tokens the provider counted for an answer, or -1 when it says none
   * @param tokens the estimated tokens, reserved at admission
   */
  final <T> CompletableFuture<ProviderCall.Result<T>> call(
      ModelSpec spec,
      Supplier<HttpCall> http,
      ProviderCall.Reader<T> reader,
      ToLongFunction<T> usedTokens,
      long tokens) {
    return new ProviderCall<>(
            context.steps(),
            context.transport(),
            context.timeout(),
            spec,
            context.wire().adapter(spec),
            http,
            reader,
            usedTokens,
            tokens)
        .start();
  }

  /** Identical inputs of one call: sent once, each getting the result under its own id. */
  final class Identical {
    final String key;

    /** The first of them, which the request is built from. */
    final I input;

    private final List<I> inputs = new ArrayList<>();
    private final List<CompletableFuture<R>> futures = new ArrayList<>();

    private Identical(String key, I input) {
      this.key = key;
      this.input = input;
    }

    /** Completes each with the result found in the cache. */
    void served(R hit) {
      for (int i = 0; i < inputs.size(); i++) {
        futures.get(i).complete(fromCache(hit, id(inputs.get(i))));
      }
    }

    /** Completes the first with the fresh result, the others as served from the cache. */
    void complete(R fresh) {
      for (int i = 0; i < inputs.size(); i++) {
        String id = id(inputs.get(i));
        futures.get(i).complete(i == 0 ? withId(fresh, id) : fromCache(fresh, id));
      }
    }

    /** Fails each with the error. */
    void fail(String model, ApiError error) {
      for (int i = 0; i < inputs.size(); i++) {
        futures.get(i).complete(failed(id(inputs.get(i)), model, error));
      }
    }
  }
}
