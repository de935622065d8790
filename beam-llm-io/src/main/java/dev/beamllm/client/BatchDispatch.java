package dev.beamllm.client;

import dev.beamllm.cache.BatchLedger;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Sends requests through the providers' batch APIs ({@link LlmClient#startBatch}): each request
 * picks its model as online; those whose API has a batch API are put in batches by model, within
 * the settings' and the provider's limits (count and bytes), under their cache key as custom id
 * (identical requests once). Before a request is submitted the ledger of the cache is asked whether
 * a batch holds it already (a job run again after being stopped): it then waits for that batch
 * instead. Every answer is delivered as online ones are (priced at the batch tier, stored in the
 * cache); what a batch did not answer, or answered with an error that may pass, is sent online
 * ({@code online}), as is every request no batch API can take.
 */
final class BatchDispatch {
  private static final System.Logger LOG = System.getLogger(BatchDispatch.class.getName());

  /** The tier a batch answer is priced at, whatever the answer says. */
  static final String BATCH_TIER = "batch";

  private final CallSteps steps;
  private final WireRequests wire;
  private final HttpTransport transport;
  private final Duration timeout;
  private final BatchLedger ledger;
  private final Function<LlmRequest, String> cacheKey;
  private final Function<LlmRequest, Optional<ApiResponse>> cached;
  private final Function<LlmRequest, CompletableFuture<ApiResponse>> online;

  /** The runs this client waits for, by batch id, so that two shards never poll one batch twice. */
  private final Map<String, CompletableFuture<BatchRun.Ended>> running = new ConcurrentHashMap<>();

  /**
   * @param ledger where batches are noted for a restart
   * @param cached the cache's answer to a request, if any
   * @param online sends a request online (with its cache lookup, retries and limits)
   */
  BatchDispatch(
      CallSteps steps,
      WireRequests wire,
      HttpTransport transport,
      Duration timeout,
      BatchLedger ledger,
      Function<LlmRequest, String> cacheKey,
      Function<LlmRequest, Optional<ApiResponse>> cached,
      Function<LlmRequest, CompletableFuture<ApiResponse>> online) {
    this.steps = steps;
    this.wire = wire;
    this.transport = transport;
    this.timeout = timeout;
    this.ledger = ledger;
    this.cacheKey = cacheKey;
    this.cached = cached;
    this.online = online;
  }

  /** Identical requests of one call (one key): sent once, answered each under its own id. */
  private static final class Item {
    final String key;
    final List<LlmRequest> requests = new ArrayList<>();
    final List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
    ModelSpec spec;
    SamplingParams params;
    ProviderAdapter adapter;
    BatchApi api;

    /** What the budget reserved for it, to settle when it ends here; 0 for none. */
    long reservedMicros;

    ProviderRequest request;
    String line;

    Item(String key) {
      this.key = key;
    }

    LlmRequest first() {
      return requests.get(0);
    }
  }

  /** Starts every request; one future per request, in order, none completing exceptionally. */
  List<CompletableFuture<ApiResponse>> start(List<LlmRequest> requests, BatchSettings settings) {
    List<CompletableFuture<ApiResponse>> futures = new ArrayList<>(requests.size());
    Map<String, Item> items = new LinkedHashMap<>();
    for (LlmRequest r : requests) {
      CompletableFuture<ApiResponse> f = new CompletableFuture<>();
      futures.add(f);
      String key;
      try {
        r.conversation().validate();
        key = cacheKey.apply(r);
      } catch (RuntimeException invalid) {
        // The online path fails it with the reason, as it fails any invalid request.
        online.apply(r).whenComplete((a, e) -> f.complete(a));
        continue;
      }
      Item item = items.computeIfAbsent(key, Item::new);
      item.requests.add(r);
      item.futures.add(f);
    }
    List<Item> batchable = new ArrayList<>();
    for (Item item : items.values()) {
      Optional<ApiResponse> hit = cached.apply(item.first());
      if (hit.isPresent()) {
        for (int i = 0; i < item.requests.size(); i++) {
          steps.tracker().started();
          ApiResponse r = answerFor(hit.get().toBuilder().setCacheHit(true).build(), item, i);
          steps.tracker().finished(r);
          item.futures.get(i).complete(r);
        }
      } else {
        batchable.add(item);
      }
    }
    Map<String, BatchLedger.Pending> pending = pendingOf(batchable);
    Map<BatchLedger.Pending, List<Item>> resumed = new LinkedHashMap<>();
    Map<String, List<Item>> fresh = new LinkedHashMap<>();
    for (Item item : batchable) {
      BatchLedger.Pending p = pending.get(item.key);
      String model = p != null ? p.model() : null;
      if (!prepare(item, model)) {
        if (p != null) {
          forget(List.of(item));
        }
        sendOnline(item);
      } else if (!reserveBudget(item)) {
        continue; // Waiting for room, to go online then, or refused.
      } else if (p != null) {
        resumed.computeIfAbsent(p, k -> new ArrayList<>()).add(item);
      } else {
        fresh.computeIfAbsent(item.spec.id(), k -> new ArrayList<>()).add(item);
      }
    }
    resumed.forEach((p, waiting) -> resume(p, waiting, settings));
    fresh.values().forEach(sameModel -> submitInShards(sameModel, settings));
    return futures;
  }

  private Map<String, BatchLedger.Pending> pendingOf(List<Item> items) {
    if (items.isEmpty()) {
      return Map.of();
    }
    try {
      return ledger.pending(items.stream().map(i -> i.key).toList());
    } catch (RuntimeException unreadable) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the batch ledger cannot be read, so no earlier batch is waited for: " + unreadable);
      return Map.of();
    }
  }

  /**
   * Picks the item's model (the one its noted batch runs on, if any) and builds its batch line.
   *
   * @return false when the request goes online: its model's API has no batch API, needs its URL
   *     images fetched first, cannot take it, or the model cannot be picked
   */
  private boolean prepare(Item item, String model) {
    LlmRequest r = model != null ? item.first().withModel(model) : item.first();
    PickModel.Choice choice = steps.pick().pick(r, new HashMap<>(), Set.of(), null, null);
    if (choice.model() == null) {
      return false;
    }
    Optional<BatchApi> batchApi = wire.batchApi(choice.spec());
    if (batchApi.isEmpty() || steps.inline().needed(choice.spec(), r.conversation())) {
      return false;
    }
    BatchApi api = batchApi.get();
    try {
      ProviderRequest request =
          wire.request(
              choice.spec(),
              r.conversation(),
              choice.params(),
              r.serviceTier().orElse(null),
              r.tools().orElse(null),
              false);
      item.line = api.item(item.key, request);
      item.request = request;
    } catch (RuntimeException cannot) {
      // A missing key, a part or option the API cannot take, a line that cannot be built: the
      // online path ends the request with the reason (or another model takes it).
      return false;
    }
    item.spec = choice.spec();
    item.params = choice.params();
    item.adapter = wire.adapter(choice.spec());
    item.api = api;
    return true;
  }

  /**
   * Reserves the item's worst case at the batch tier against the spending cap, if there is one.
   *
   * @return true when reserved (or there is no cap); false when the item waits for room, after
   *     which it goes online and reserves there, or was refused and has ended with a {@code BUDGET}
   *     error
   */
  private boolean reserveBudget(Item item) {
    Budget budget = steps.budget();
    if (budget == null) {
      return true;
    }
    long micros =
        budget.worstCaseMicros(
            steps.admit(),
            item.first(),
            item.spec.id(),
            item.spec,
            item.params,
            BATCH_TIER,
            new HashMap<>());
    switch (budget.reserve(
        micros,
        reserved -> {
          // Room came (or can no longer come): the online path reserves for itself, or refuses.
          if (reserved > 0) {
            budget.settle(reserved, 0);
          }
          sendOnline(item);
        })) {
      case RESERVED -> {
        item.reservedMicros = micros;
        return true;
      }
      case WAIT -> {
        return false;
      }
      default -> {
        ApiError refused = budget.refusal(micros);
        for (int i = 0; i < item.requests.size(); i++) {
          ApiResponse r =
              steps
                  .deliver()
                  .failure(
                      refused, item.spec.id(), item.spec, 0, item.requests.get(i).conversation());
          steps.tracker().started();
          steps.tracker().finished(r);
          item.futures.get(i).complete(r);
        }
        return false;
      }
    }
  }

  /** Settles the item's reservation with what it cost here (0 when it goes online). */
  private void settleBudget(Item item, double cost) {
    if (item.reservedMicros > 0) {
      steps.budget().settle(item.reservedMicros, cost);
      item.reservedMicros = 0;
    }
  }

  /** Submits items of one model in batches within the settings' and the provider's limits. */
  private void submitInShards(List<Item> sameModel, BatchSettings settings) {
    BatchApi.Limits limits = sameModel.get(0).api.limits();
    int maxCount = Math.min(settings.maxRequestsPerBatch(), limits.maxRequests());
    List<Item> shard = new ArrayList<>();
    long bytes = 0;
    for (Item item : sameModel) {
      long size = item.line.getBytes(StandardCharsets.UTF_8).length + 1L;
      if (size > limits.maxBytes()) {
        // Too big for any batch of this provider: online takes it (or says why not).
        sendOnline(item);
        continue;
      }
      if (!shard.isEmpty() && (shard.size() >= maxCount || bytes + size > limits.maxBytes())) {
        submit(shard, settings);
        shard = new ArrayList<>();
        bytes = 0;
      }
      shard.add(item);
      bytes += size;
    }
    if (!shard.isEmpty()) {
      submit(shard, settings);
    }
  }

  private void submit(List<Item> shard, BatchSettings settings) {
    Item first = shard.get(0);
    long submitted = System.nanoTime();
    CompletableFuture<BatchRun.Ended> run;
    try {
      run =
          run(first, settings)
              .submit(
                  shard.stream().map(i -> i.line).toList(),
                  id ->
                      ledger.submitted(
                          new BatchLedger.Pending(id, first.spec.id()),
                          shard.stream().map(i -> i.key).toList()));
    } catch (RuntimeException e) {
      // The first call could not be built: nothing was sent, the shard goes online.
      run = CompletableFuture.failedFuture(e);
    }
    run.whenComplete((ended, error) -> ended(shard, ended, error, submitted));
  }

  private void resume(BatchLedger.Pending p, List<Item> waiting, BatchSettings settings) {
    long since = System.nanoTime();
    CompletableFuture<BatchRun.Ended> run;
    try {
      run = running.computeIfAbsent(p.batchId(), id -> run(waiting.get(0), settings).resume(id));
    } catch (RuntimeException e) {
      run = CompletableFuture.failedFuture(e);
    }
    run.whenComplete(
        (ended, error) -> {
          running.remove(p.batchId());
          ended(waiting, ended, error, since);
        });
  }

  /** A run for a batch of the item's model, its calls built for the item's request. */
  private BatchRun run(Item first, BatchSettings settings) {
    return new BatchRun(
        transport, steps.scheduler(), first.adapter, first.api, first.request, timeout, settings);
  }

  /** Delivers what a batch answered; the rest goes online. */
  private void ended(List<Item> items, BatchRun.Ended ended, Throwable error, long since) {
    if (steps.scheduler().closed()) {
      // Closed while the batch ran (a job stopping): the ledger keeps pointing at the batch, so
      // the same requests started again wait for it; here they end as closed.
      items.forEach(this::sendOnline);
      return;
    }
    if (error != null || ended.failure() != null) {
      String why = error != null ? String.valueOf(error) : ended.failure();
      LOG.log(
          System.Logger.Level.WARNING,
          "batch "
              + (ended != null && ended.batchId() != null ? ended.batchId() + " " : "")
              + "ended without results ("
              + why
              + "): its "
              + items.size()
              + " requests are sent online");
    }
    Map<String, BatchApi.Outcome> outcomes = ended != null ? ended.outcomes() : Map.of();
    Duration latency = Duration.ofNanos(System.nanoTime() - since);
    List<CompletableFuture<Void>> stored = new ArrayList<>();
    for (Item item : items) {
      BatchApi.Outcome outcome = outcomes.get(item.key);
      HttpAnswer answer = outcome != null ? outcome.answer() : null;
      if (answer == null) {
        sendOnline(item);
      } else {
        stored.add(deliver(item, answer, latency));
      }
    }
    // Once every answer is stored, the ledger need not point at the batch any more: a job run
    // again finds the answers, or sends online what went online.
    CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new))
        .whenComplete((done, failed) -> forget(items));
  }

  /**
   * Delivers one answer of a batch, or sends the request online when it is an error that may pass.
   */
  private CompletableFuture<Void> deliver(Item item, HttpAnswer answer, Duration latency) {
    Conversation conversation = item.first().conversation();
    ApiResponse response;
    if (answer.ok()) {
      ParsedAnswer parsed;
      try {
        parsed = item.adapter.parse(item.request, answer).withServiceTier(BATCH_TIER);
      } catch (ProviderException unreadable) {
        sendOnline(item);
        return CompletableFuture.completedFuture(null);
      }
      response =
          steps
              .deliver()
              .answer(
                  item.spec,
                  parsed,
                  latency,
                  1,
                  answer.body(),
                  conversation,
                  item.adapter.warnings(item.request));
    } else {
      ApiError error = item.adapter.error(answer);
      if (error.retryable()) {
        sendOnline(item);
        return CompletableFuture.completedFuture(null);
      }
      response = steps.deliver().failure(error, item.spec.id(), item.spec, 1, conversation);
    }
    settleBudget(item, response.cost());
    ApiResponse delivered = response;
    return steps
        .deliver()
        .store(item.key, delivered)
        .thenRun(
            () -> {
              for (int i = 0; i < item.requests.size(); i++) {
                ApiResponse r =
                    i == 0
                        ? delivered
                        : answerFor(
                            delivered.toBuilder().setCacheHit(true).setAttempts(0).build(),
                            item,
                            i);
                steps.tracker().started();
                steps.tracker().finished(r);
                item.futures.get(i).complete(r);
              }
            });
  }

  /** The answer for the item's request {@code i}: under that request's id and metadata. */
  private static ApiResponse answerFor(ApiResponse answer, Item item, int i) {
    Conversation c = item.requests.get(i).conversation();
    return answer.toBuilder()
        .setConversationId(c.id().orElse(null))
        .setConversationMetadataJson(c.metadataJson().orElse(null))
        .build();
  }

  /** Sends the item's first request online; the others get its answer under their own ids. */
  private void sendOnline(Item item) {
    settleBudget(item, 0);
    online
        .apply(item.first())
        .whenComplete(
            (answer, never) -> {
              item.futures.get(0).complete(answer);
              for (int i = 1; i < item.requests.size(); i++) {
                ApiResponse r =
                    answerFor(
                        answer.isError()
                            ? answer
                            : answer.toBuilder().setCacheHit(true).setAttempts(0).build(),
                        item,
                        i);
                steps.tracker().started();
                steps.tracker().finished(r);
                item.futures.get(i).complete(r);
              }
            });
  }

  private void forget(List<Item> items) {
    try {
      ledger.forget(items.stream().map(i -> i.key).toList());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the batch ledger could not forget answered keys: " + e);
    }
  }
}
