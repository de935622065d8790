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
import java.util.function.BiFunction;
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
  /** An input that got no result, and why. */
  interface Failed<R> {
    R of(String id, String model, ApiError error);
  }

  /**
   * What tells one feature's models, inputs and results from another's.
   *
   * @param models what the feature's models are, with the article, in an error ("an embedding")
   * @param model the model the settings name
   * @param api the feature's API of a model's wire format, if this library calls one
   * @param id an input's id, or null
   * @param failed an input that got no result
   * @param withId the same result under an input's id
   * @param fromCache the same result under an input's id, marked as served from the cache
   * @param fromEntry a result read back from its cache entry
   * @param toEntry a result's cache entry
   */
  record Kind<I, S, A, R>(
      String models,
      Function<S, String> model,
      BiFunction<WireRequests, ModelSpec, Optional<A>> api,
      Function<I, String> id,
      Failed<R> failed,
      BiFunction<R, String, R> withId,
      BiFunction<R, String, R> fromCache,
      Function<String, R> fromEntry,
      Function<R, String> toEntry) {}

  private final Kind<I, S, A, R> kind;
  private final DispatchContext context;

  FeatureDispatch(Kind<I, S, A, R> kind, DispatchContext context) {
    this.kind = kind;
    this.context = context;
  }

  /**
   * Starts the inputs of a model that has the feature's API; completes every future, none
   * exceptionally.
   */
  abstract void dispatch(
      ModelSpec spec, A api, S settings, List<I> inputs, List<CompletableFuture<R>> futures);

  /** Starts every input; one future per input, in order, none completing exceptionally. */
  final List<CompletableFuture<R>> start(List<I> inputs, S settings) {
    List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
    inputs.forEach(i -> futures.add(new CompletableFuture<>()));
    ModelSpec spec;
    Optional<A> found;
    try {
      spec = context.specs().get(kind.model().apply(settings));
      found = kind.api().apply(context.wire(), spec);
    } catch (IllegalArgumentException unknown) {
      failAll(
          inputs,
          futures,
          kind.model().apply(settings),
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
                  + kind.models()
                  + " model of an API this library calls"));
      return futures;
    }
    dispatch(spec, found.get(), settings, inputs, futures);
    return futures;
  }

  private void failAll(
      List<I> inputs, List<CompletableFuture<R>> futures, String model, ApiError e) {
    for (int i = 0; i < inputs.size(); i++) {
      futures.get(i).complete(kind.failed().of(kind.id().apply(inputs.get(i)), model, e));
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
    return context.cache().get(key, kind.fromEntry());
  }

  /** Stores the result; completes once stored, or at once when it cannot be. */
  final CompletableFuture<Void> store(String key, R result) {
    return context.cache().put(key, kind.toEntry().apply(result));
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
   * Sends a request under the client's limits and retries ({@link ProviderCall}), then hands its
   * result to {@code delivered}. What {@code delivered} throws (an answer the reader let through
   * that cannot be priced or stored, such as a negative token count) goes to {@code failed} as
   * {@code INVALID_RESPONSE}: the inputs' futures always complete, so no bundle waits forever.
   *
   * @param usedTokens the tokens the provider counted for an answer, or -1 when it says none
   * @param tokens the estimated tokens, reserved at admission
   * @param failed completes the request's inputs with an error (completed ones stay as they are)
   */
  final <T> void call(
      ModelSpec spec,
      Supplier<HttpCall> http,
      ProviderCall.Reader<T> reader,
      ToLongFunction<T> usedTokens,
      long tokens,
      Consumer<ProviderCall.Result<T>> delivered,
      Consumer<ApiError> failed) {
    new ProviderCall<>(
            context.steps(),
            context.transport(),
            context.timeout(),
            spec,
            context.wire().adapter(spec),
            http,
            reader,
            usedTokens,
            tokens)
        .start()
        .whenComplete(
            (result, never) -> {
              try {
                delivered.accept(result);
              } catch (RuntimeException e) {
                failed.accept(
                    ApiError.of(
                        ErrorKind.INVALID_RESPONSE, "the answer could not be delivered: " + e));
              }
            });
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
        futures.get(i).complete(kind.fromCache().apply(hit, kind.id().apply(inputs.get(i))));
      }
    }

    /** Completes the first with the fresh result, the others as served from the cache. */
    void complete(R fresh) {
      for (int i = 0; i < inputs.size(); i++) {
        String id = kind.id().apply(inputs.get(i));
        futures
            .get(i)
            .complete(i == 0 ? kind.withId().apply(fresh, id) : kind.fromCache().apply(fresh, id));
      }
    }

    /** Fails each with the error. */
    void fail(String model, ApiError error) {
      for (int i = 0; i < inputs.size(); i++) {
        futures.get(i).complete(kind.failed().of(kind.id().apply(inputs.get(i)), model, error));
      }
    }
  }
}
