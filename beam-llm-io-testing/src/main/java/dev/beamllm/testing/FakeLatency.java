package dev.beamllm.testing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** How long the fake provider takes to answer: nothing, a fixed time, or log-normal. */
public final class FakeLatency {
  private final long medianNanos;
  private final double sigma;

  private FakeLatency(long medianNanos, double sigma) {
    if (medianNanos < 0 || sigma < 0) {
      throw new IllegalArgumentException("latency and sigma must not be negative");
    }
    this.medianNanos = medianNanos;
    this.sigma = sigma;
  }

  /** Answer at once. */
  public static FakeLatency none() {
    return new FakeLatency(0, 0);
  }

  /** Always the same delay. */
  public static FakeLatency fixed(Duration delay) {
    return new FakeLatency(delay.toNanos(), 0);
  }

  /**
   * Log-normal around a median: {@code median * exp(sigma * N(0,1))}, the usual shape of API
   * latency.
   */
  public static FakeLatency logNormal(Duration median, double sigma) {
    return new FakeLatency(median.toNanos(), sigma);
  }

  /** Parses {@code 0}, {@code 200ms}, {@code 1.5s} or {@code lognormal:800ms:0.5}. */
  public static FakeLatency parse(String spec) {
    String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("lognormal:")) {
      String[] p = s.split(":");
      if (p.length != 3) {
        throw new IllegalArgumentException("latency '" + spec + "' must be lognormal:MEDIAN:SIGMA");
      }
      return logNormal(parseDuration(p[1]), Double.parseDouble(p[2]));
    }
    return fixed(parseDuration(s));
  }

  private static Duration parseDuration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.endsWith("ms")) {
      return Duration.ofNanos((long) (Double.parseDouble(s.substring(0, s.length() - 2)) * 1e6));
    }
    if (s.endsWith("s")) {
      return Duration.ofNanos((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9));
    }
    throw new IllegalArgumentException("duration '" + s + "' needs a unit: ms or s");
  }

  /** The next delay in nanoseconds. */
  long sampleNanos() {
    if (medianNanos == 0) {
      return 0;
    }
    if (sigma == 0) {
      return medianNanos;
    }
    return (long) (medianNanos * Math.exp(sigma * ThreadLocalRandom.current().nextGaussian()));
  }

  @Override
  public String toString() {
    if (medianNanos == 0) {
      return "none";
    }
    String median = (medianNanos / 1_000_000) + "ms";
    return sigma == 0 ? median : "lognormal(median " + median + ", sigma " + sigma + ")";
  }
}
