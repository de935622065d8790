package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Json;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fake server's own endpoints under {@code /fake/}, which show its counters and request log to
 * whoever runs a job against it from another process: {@code GET /fake/stats}, {@code GET
 * /fake/requests?limit=N} and {@code POST /fake/reset}. They are not a provider's API, so they need
 * no key, are never rate limited, faulted or delayed, are not counted and are not logged: reading
 * the counters must not change them. {@code POST /fake/script} scripts a conversation (see {@link
 * FakeProviderServer#script}).
 */
final class FakeControl {
  /** The path prefix of these endpoints; no provider route starts with it. */
  static final String PREFIX = "/fake/";

  /** How many requests {@code /fake/requests} answers without a {@code limit}. */
  static final int DEFAULT_LIMIT = 100;

  /**
   * One endpoint, for the startup banner.
   *
   * @param method the HTTP method
   * @param path the path (and its query parameters)
   * @param description what it answers
   */
  record Endpoint(String method, String path, String description) {}

  /** Every endpoint it serves, in banner order. */
  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint(
              "GET", "/fake/stats", "the fake provider's counters as JSON (no key needed)"),
          new Endpoint(
              "GET",
              "/fake/requests?limit=N",
              "the last N requests received (default 100), keys masked"),
          new Endpoint(
              "POST",
              "/fake/reset",
              "clears counters, request log, prompt cache, scripts; refills limits"),
          new Endpoint(
              "POST", "/fake/script", "scripts a conversation turn by turn: {match, turns}"));

  private final Supplier<FakeServerStats> stats;
  private final java.util.function.LongSupplier batchesCreated;
  private final RequestLog log;
  private final Runnable reset;
  private final ConversationScripts scripts;

  /**
   * The endpoints over one server's state.
   *
   * @param stats a fresh snapshot of the counters
   * @param log the request log
   * @param reset what {@code POST /fake/reset} does
   * @param scripts where {@code POST /fake/script} adds a script
   * @param batchesCreated the batches created since start or the last reset
   */
  FakeControl(
      Supplier<FakeServerStats> stats,
      RequestLog log,
      Runnable reset,
      ConversationScripts scripts,
      java.util.function.LongSupplier batchesCreated) {
    this.batchesCreated = batchesCreated;
    this.stats = stats;
    this.log = log;
    this.reset = reset;
    this.scripts = scripts;
  }

  /** Whether a path is one of these endpoints' (or an unknown one under the same prefix). */
  static boolean handles(String path) {
    return path.startsWith(PREFIX);
  }

  /** The answer to a request whose path {@link #handles} accepts. */
  FakeHttpResponse answer(FakeHttpRequest request) {
    String method = request.method();
    return switch (request.path()) {
      case "/fake/stats" ->
          method.equals("GET")
              ? FakeHttpResponse.json(
                  200, FakeStatsJson.stats(stats.get(), batchesCreated.getAsLong()))
              : notAllowed("GET");
      case "/fake/requests" -> method.equals("GET") ? requests(request) : notAllowed("GET");
      case "/fake/reset" -> {
        if (!method.equals("POST")) {
          yield notAllowed("POST");
        }
        reset.run();
        yield FakeHttpResponse.json(200, "{\"reset\":true}");
      }
      case "/fake/script" -> method.equals("POST") ? script(request) : notAllowed("POST");
      default ->
          FakeHttpResponse.json(
              404, FakeStatsJson.error("no such endpoint: " + method + " " + request.path()));
    };
  }

  /**
   * Adds the script in the body; answers {@code {"match": ..., "turns": n}}, or 400 with what is
   * wrong.
   */
  private FakeHttpResponse script(FakeHttpRequest request) {
    ConversationScripts.Script script;
    try {
      script = ConversationScripts.fromJson(request.body());
    } catch (IllegalArgumentException e) {
      return FakeHttpResponse.json(400, FakeStatsJson.error(e.getMessage()));
    }
    scripts.add(script);
    return FakeHttpResponse.json(
        200,
        Json.write(Json.object().put("match", script.match()).put("turns", script.turns().size())));
  }

  private FakeHttpResponse requests(FakeHttpRequest request) {
    String raw = request.queryParam("limit");
    int limit = DEFAULT_LIMIT;
    if (raw != null) {
      // Digits only: "+5", " 5" and "5.0" are refused rather than guessed at.
      BigInteger n = raw.matches("[0-9]+") ? new BigInteger(raw) : BigInteger.ZERO;
      if (n.signum() <= 0) {
        return FakeHttpResponse.json(
            400, FakeStatsJson.error("limit must be a positive integer, got '" + raw + "'"));
      }
      // A limit beyond the log's size means "all of it", however many digits it has.
      limit = n.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    }
    return FakeHttpResponse.json(200, FakeStatsJson.requests(log.last(limit)));
  }

  private static FakeHttpResponse notAllowed(String allowed) {
    return FakeHttpResponse.json(405, FakeStatsJson.error("use " + allowed))
        .withHeaders(Map.of("allow", allowed));
  }
}
