package dev.beamllm.pipelines.infer;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * The console stays quiet at a Flink job's exit: the class-loading error of Pekko's shutdown hook
 * after Flink closed its class loader is passed over, and every other uncaught error still shown.
 */
public class ConsoleLoggingTest {
  @Test
  public void onlyTheFlinkShutdownRaceIsPassedOver() {
    List<String> shown = new ArrayList<>();
    Thread.UncaughtExceptionHandler handler =
        ConsoleLogging.quietAtFlinkExit((t, e) -> shown.add(t.getName() + ": " + e));
    NoClassDefFoundError race =
        new NoClassDefFoundError("org/apache/pekko/actor/CoordinatedShutdown$JvmExitReason$");
    handler.uncaughtException(new Thread("flink-shutdown-hook-1"), race);
    // The same race, on the Scala library Flink's RPC class loader bundles (seen in CI).
    handler.uncaughtException(
        new Thread("flink-shutdown-hook-1"),
        new NoClassDefFoundError("scala/collection/mutable/Set$"));
    assertEquals(List.of(), shown);

    handler.uncaughtException(new Thread("worker-1"), race);
    handler.uncaughtException(
        new Thread("flink-shutdown-hook-2"), new NoClassDefFoundError("com/example/Missing"));
    handler.uncaughtException(new Thread("flink-shutdown-hook-3"), new IllegalStateException("x"));
    assertEquals(3, shown.size());
  }
}
