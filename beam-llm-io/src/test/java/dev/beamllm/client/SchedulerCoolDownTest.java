package dev.beamllm.client;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import dev.beamllm.provider.RateLimitInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A 429 holds back only the model that drew it (issue 12, point 4): after a 429 with a retry-after
 * of a minute on one model, work for another model is admitted at once, and work for the limited
 * model waits.
 */
public class SchedulerCoolDownTest {
  private static final class Work implements Scheduler.Job {
    final String model;
    final CompletableFuture<Scheduler.Admission> started = new CompletableFuture<>();

    Work(String model) {
      this.model = model;
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public long tokens() {
      return 10;
    }

    @Override
    public long submittedNanos() {
      return System.nanoTime();
    }

    @Override
    public void start(Scheduler.Admission admission) {
      started.complete(admission);
    }
  }

  @Test(timeout = 20_000)
  public void onlyTheModelThatDrewThe429Waits() throws Exception {
    try (Scheduler scheduler = new Scheduler(Limits.perMinute(10_000, 0).maxConcurrent(100))) {
      Work first = new Work("a");
      scheduler.submit(first);
      Scheduler.Admission admitted = first.started.get(5, TimeUnit.SECONDS);
      scheduler.finished("a", admitted, 0, RateLimitInfo.NONE, true, TimeUnit.SECONDS.toNanos(60));

      Work other = new Work("b");
      scheduler.submit(other);
      Scheduler.Admission b = other.started.get(5, TimeUnit.SECONDS);
      scheduler.finished("b", b, 10, RateLimitInfo.NONE, false, -1);

      Work limited = new Work("a");
      scheduler.submit(limited);
      Thread.sleep(500);
      assertFalse("model a cools down for its retry-after", limited.started.isDone());
      Work again = new Work("b");
      scheduler.submit(again);
      assertNotNull("model b is not held back behind it", again.started.get(5, TimeUnit.SECONDS));
    }
  }
}
