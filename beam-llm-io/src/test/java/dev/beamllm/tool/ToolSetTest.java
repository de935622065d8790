package dev.beamllm.tool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** One turn's calls: in parallel up to a bound, each within its timeout, results in call order. */
public class ToolSetTest {
  /** Arguments of the slow tool. */
  public record Nap(int millis, String tag) {}

  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger MOST = new AtomicInteger();

  private static String nap(Nap n) throws InterruptedException {
    int now = RUNNING.incrementAndGet();
    MOST.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(n.millis());
      return n.tag();
    } finally {
      RUNNING.decrementAndGet();
    }
  }

  @Test
  public void callsRunInParallelUpToTheBoundAndKeepTheirOrder() {
    MOST.set(0);
    ToolSet set =
        ToolSet.of(Tools.function("nap", "Sleeps.", Nap.class, ToolSetTest::nap))
            .withMaxParallel(3);
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      calls.add(
          ToolCall.of("c" + i, "nap", "{\"millis\":" + (90 - i * 10) + ",\"tag\":\"t" + i + "\"}"));
    }
    List<ToolResult> results = set.run(calls).join();
    assertEquals(9, results.size());
    for (int i = 0; i < 9; i++) {
      assertEquals("c" + i, results.get(i).callId());
      assertEquals("t" + i, results.get(i).text());
    }
    assertEquals(3, MOST.get());
  }

  @Test
  public void aCallPastItsTimeoutEndsAsAnError() {
    ToolSet set =
        ToolSet.of(
                Tools.function("nap", "Sleeps.", Nap.class, ToolSetTest::nap),
                new ExecutableTool() {
                  @Override
                  public Tool definition() {
                    return Tool.of("never", "Never answers.", null);
                  }

                  @Override
                  public CompletableFuture<ToolOutput> call(String argumentsJson) {
                    return new CompletableFuture<>();
                  }
                })
            .withCallTimeout(Duration.ofMillis(200));
    List<ToolResult> results =
        set.run(
                List.of(
                    ToolCall.of("a", "never", "{}"),
                    ToolCall.of("b", "nap", "{\"millis\":1,\"tag\":\"ok\"}")))
            .join();
    assertTrue(results.get(0).isError());
    assertEquals("tool 'never' timed out after 200 ms", results.get(0).text());
    assertEquals("ok", results.get(1).text());
    assertEquals(List.of(), set.run(List.of()).join());
  }
}
