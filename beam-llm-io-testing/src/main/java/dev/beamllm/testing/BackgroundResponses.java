package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background responses of one fake Responses API, kept in memory until the server closes. A
 * retrieval shows the Response {@code in_progress} until its ready time, then finished; a cancel
 * before that time makes it {@code cancelled} for good, and a later one changes nothing, as
 * OpenAI's cancel is idempotent and returns the Response as it is. Reference:
 * platform.openai.com/docs/guides/background.
 */
final class BackgroundResponses {
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicLong started = new AtomicLong();

  /** One background response in each of the forms it can be read in. */
  private static final class Job {
    final ObjectNode running;
    final ObjectNode done;
    final ObjectNode cancelled;
    final long readyAtNanos;
    boolean wasCancelled;

    Job(ObjectNode running, ObjectNode done, ObjectNode cancelled, long readyAtNanos) {
      this.running = running;
      this.done = done;
      this.cancelled = cancelled;
      this.readyAtNanos = readyAtNanos;
    }

    synchronized ObjectNode now() {
      return wasCancelled ? cancelled : System.nanoTime() - readyAtNanos >= 0 ? done : running;
    }

    synchronized ObjectNode cancel() {
      if (System.nanoTime() - readyAtNanos < 0) {
        wasCancelled = true;
      }
      return now();
    }
  }

  /**
   * A new response id, unique on this server even for identical requests, which must not share a
   * job.
   */
  String newId(String seed) {
    return Bodies.id("resp_", seed + "#" + started.incrementAndGet());
  }

  /**
   * Keeps a started response, ready at {@code readyAtNanos} on {@link System#nanoTime()}'s clock.
   */
  void add(String id, ResponsesOutput output, long readyAtNanos) {
    jobs.put(
        id,
        new Job(
            output.unfinished("in_progress"),
            output.response(),
            output.unfinished("cancelled"),
            readyAtNanos));
  }

  /** {@code GET /v1/responses/{id}}: the Response as it is now. */
  FakeHttpResponse retrieve(String id) {
    Job job = jobs.get(id);
    return job == null ? notFound(id) : FakeHttpResponse.json(200, Json.write(job.now()));
  }

  /** {@code POST /v1/responses/{id}/cancel}: cancels it if it is still running, and returns it. */
  FakeHttpResponse cancel(String id) {
    Job job = jobs.get(id);
    return job == null ? notFound(id) : FakeHttpResponse.json(200, Json.write(job.cancel()));
  }

  private static FakeHttpResponse notFound(String id) {
    ObjectNode body = Json.object();
    ObjectNode e = body.putObject("error");
    e.put("message", "Response with id '" + id + "' not found.")
        .put("type", "invalid_request_error");
    e.putNull("param");
    e.putNull("code");
    return FakeHttpResponse.json(404, Json.write(body));
  }
}
