package dev.beamllm.pipelines;

import dev.beamllm.redis.RedisUri;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.TokenCounting;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * {@code ./run.sh fake-server}: the embedded fake provider as a standalone server, until Ctrl-C. A
 * job in another process reads its counters at {@code GET /fake/stats} and the last requests it
 * received at {@code GET /fake/requests}; the request log stays on (bounded) unless {@code
 * --no-log}.
 */
public final class FakeServerCommand {
  static final String USAGE =
      "usage: ./run.sh fake-server [--port N] [--rpm N] [--tpm N] [--max-concurrent N] [--latency L]\n"
          + "                           [--faults F] [--script S] [--api-key-env VAR] [--context-window N]\n"
          + "                           [--io-threads N] [--no-log] [--keyless] [--token-count C]\n"
          + "                           [--batch-completion D] [--batch-fail-every N] [--batch-expire]\n"
          + "  --port N            port on 127.0.0.1 (default 8089; 0 picks a free one)\n"
          + "  --rpm N, --tpm N    requests and tokens per minute (default: unlimited)\n"
          + "  --max-concurrent N  requests in flight at once (default: unlimited)\n"
          + "  --latency L         0, 200ms, 1.5s or lognormal:800ms:0.5 (default 0)\n"
          + "  --faults F          random faults, e.g. 503:0.05,529:0.01 (500 502 503 529 hang drop malformed context 401 404)\n"
          + "  --script S          scripted faults per model, e.g. 'gpt-4.1-mini=500,ok,hang;*=404'\n"
          + "  --api-key-env VAR   require the key held in this environment variable\n"
          + "  --context-window N  longer requests get the context-length error (default 1000000)\n"
          + "  --no-log            keep no request log (for benchmarks); by default the last 10000 requests\n"
          + "                      are kept and served at GET /fake/requests\n"
          + "  --keyless           answer requests without credentials (Bedrock's too), as the main job\n"
          + "                      with --fakeProviderUrl sends none\n"
          + "  --token-count C     how prompt tokens are counted: tokenizer (default, as the client)\n"
          + "                      or chars4 (characters/4 + 4 per message, as some providers' limiters)\n"
          + "  --batch-completion D  batches (OpenAI, Anthropic, Gemini batch APIs) end D after they are\n"
          + "                      created, e.g. 30s (default: at once)\n"
          + "  --batch-fail-every N  every N-th request of a batch fails (a 500)\n"
          + "  --batch-expire      the second half of each batch expires unanswered";

  private FakeServerCommand() {}

  /** Starts the server and waits for Ctrl-C. */
  public static void main(String[] args) throws InterruptedException {
    FakeProviderServer.Builder builder;
    try {
      builder = parse(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("fake-server: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (builder == null) {
      return;
    }
    FakeProviderServer server = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  System.out.println(
                      "fake provider stopped; it answered "
                          + server.stats().accepted()
                          + " requests");
                  stopped.countDown();
                },
                "fake-provider-shutdown"));
    print(server, System.out);
    stopped.await();
  }

  static void print(FakeProviderServer server, PrintStream out) {
    out.println("fake provider listening on " + server.baseUrl() + "  (" + server.describe() + ")");
    for (String e : server.endpoints()) {
      out.println("  " + e);
    }
    out.println(
        "Counters: curl "
            + server.baseUrl()
            + "/fake/stats   last requests: curl '"
            + server.baseUrl()
            + "/fake/requests?limit=10'");
    out.println("Ctrl-C to stop.");
    out.flush();
  }

  private static Duration duration(String flag, String value) {
    try {
      return RedisUri.duration(value, flag);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          flag + " must be a duration such as 30s, 2m or 500ms, got '" + value + "'");
    }
  }

  /** The builder for the arguments, or null after printing help. */
  static FakeProviderServer.Builder parse(String[] args, PrintStream out) {
    FakeProviderServer.Builder b = FakeProviderServer.builder().port(8089);
    String faults = null;
    String script = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String flag = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
      String inline =
          a.contains("=") && a.startsWith("--") ? a.substring(a.indexOf('=') + 1) : null;
      Supplier<String> value = () -> null;
      if (!Set.of("--no-log", "--keyless", "--batch-expire", "--help", "-h").contains(flag)) {
        if (inline == null && i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String v = inline != null ? inline : args[++i];
        value = () -> v;
      }
      switch (flag) {
        case "--port" -> b.port(Integer.parseInt(value.get()));
        case "--rpm" -> b.requestsPerMinute(Long.parseLong(value.get()));
        case "--tpm" -> b.tokensPerMinute(Long.parseLong(value.get()));
        case "--max-concurrent" -> b.maxConcurrent(Integer.parseInt(value.get()));
        case "--latency" -> b.latency(FakeLatency.parse(value.get()));
        case "--faults" -> faults = value.get();
        case "--script" -> script = value.get();
        case "--context-window" -> b.contextWindow(Integer.parseInt(value.get()));
        case "--io-threads" -> b.ioThreads(Integer.parseInt(value.get()));
        case "--api-key-env" -> {
          String key = System.getenv(value.get());
          if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(
                "environment variable " + value.get() + " is not set");
          }
          b.apiKey(key);
        }
        case "--no-log" -> b.recordRequests(false);
        case "--batch-completion" -> b.batchCompletion(duration(flag, value.get()));
        case "--batch-fail-every" -> b.batchFailEvery(Integer.parseInt(value.get()));
        case "--batch-expire" -> b.batchExpire(true);
        case "--keyless" -> b.keyless(true);
        case "--token-count" -> b.tokenCounting(TokenCounting.parse(value.get()));
        case "--help", "-h" -> {
          out.println(USAGE);
          return null;
        }
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    return b.faults(FaultPlan.parse(faults, script));
  }
}
