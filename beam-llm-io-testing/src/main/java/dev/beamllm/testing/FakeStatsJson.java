package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.List;

/**
 * The JSON forms of the fake server's counters and request log, as {@code GET /fake/stats} and
 * {@code GET /fake/requests} answer them. Field names are snake_case like the providers' own
 * bodies, so a shell script or a Python notebook reads them without a mapping.
 */
final class FakeStatsJson {
  private FakeStatsJson() {}

  /**
   * The counters as one JSON object: {@code requests} (model requests received), {@code accepted},
   * {@code rate_limited}, {@code rate_limited_by} (by cause), {@code faults} (by fault name, as
   * {@link Fault#toString()} spells it), {@code bad_requests}, {@code unauthorized}, the four token
   * totals, {@code max_concurrency}, and the per-second series {@code accepted_per_second}, {@code
   * tokens_per_second} and {@code rate_limited_per_second} (index 0 = the second starting at the
   * first request received), and {@code batches_created} (batches created on any provider's batch
   * API, see {@link FakeProviderServer#batchesCreated()}).
   */
  static String stats(FakeServerStats s, long batchesCreated) {
    ObjectNode root = Json.object();
    root.put("requests", s.received());
    root.put("accepted", s.accepted());
    root.put("rate_limited", s.rateLimited());
    ObjectNode by = root.putObject("rate_limited_by");
    s.rateLimitedBy().forEach(by::put);
    ObjectNode faults = root.putObject("faults");
    s.faults().forEach((fault, count) -> faults.put(fault.toString(), count));
    root.put("bad_requests", s.badRequests());
    root.put("unauthorized", s.unauthorized());
    root.put("input_tokens", s.inputTokens());
    root.put("output_tokens", s.outputTokens());
    root.put("cache_read_tokens", s.cacheReadTokens());
    root.put("cache_write_tokens", s.cacheWriteTokens());
    root.put("max_concurrency", s.maxConcurrency());
    series(root.putArray("accepted_per_second"), s.acceptedPerSecond());
    series(root.putArray("tokens_per_second"), s.tokensPerSecond());
    series(root.putArray("rate_limited_per_second"), s.rateLimitedPerSecond());
    root.put("batches_created", batchesCreated);
    return Json.write(root);
  }

  /** Requests as a JSON array, in the list's order, each {@code {method, path, headers, body}}. */
  static String requests(List<RecordedRequest> requests) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (RecordedRequest r : requests) {
      ObjectNode item = out.addObject();
      item.put("method", r.method());
      item.put("path", r.path());
      ObjectNode headers = item.putObject("headers");
      r.headers().forEach(headers::put);
      item.put("body", r.body());
    }
    return Json.write(out);
  }

  /**
   * An error body in the OpenAI shape most clients already read: {@code {"error":{"message":...}}}.
   */
  static String error(String message) {
    ObjectNode root = Json.object();
    root.putObject("error").put("message", message);
    return Json.write(root);
  }

  private static void series(ArrayNode array, long[] values) {
    for (long v : values) {
      array.add(v);
    }
  }
}
