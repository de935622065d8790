package dev.beamllm.pipelines.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import org.junit.Test;

/** The cluster bench's definition of the steady rate, on made-up series. */
public class ClusterBenchTest {
  @Test
  public void theSteadyRateIsTheMedianWindowAfterTheFirstBucketAndBeforeTheTail() {
    // A burst of 6,000 in 3 s, 100/s for 60 s with one bad window, then a tail of 10/s.
    long[] s = new long[3 + 60 + 5];
    s[0] = 2000;
    s[1] = 2000;
    s[2] = 2000;
    Arrays.fill(s, 3, 63, 100);
    Arrays.fill(s, 23, 33, 50);
    Arrays.fill(s, 63, 68, 10);
    ClusterBench.Steady steady = ClusterBench.steady(s, s.length - 1);
    // The bucket is spent in second 2: windows from second 12 up to second 57 (67 - 10), so
    // [12, 22), [22, 32), [32, 42), [42, 52); the second and third hold half-rate seconds.
    assertEquals(4, steady.windows());
    assertEquals((0.95 + 1.0) / 2, steady.fraction(), 1e-9);
  }

  @Test
  public void aJobTooShortForAWindowHasNoSteadyRate() {
    long[] s = {3000, 3000, 100, 100};
    assertTrue(Double.isNaN(ClusterBench.steady(s, 3).fraction()));
    assertTrue(Double.isNaN(ClusterBench.steady(new long[] {100, 100}, 1).fraction()));
  }
}
