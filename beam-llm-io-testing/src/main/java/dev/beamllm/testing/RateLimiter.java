package dev.beamllm.testing;

/**
 * Limits like the providers': requests per minute and tokens per minute as continuously refilled
 * token buckets (full at start), and a cap on requests in flight. Tokens are taken at admission
 * (input plus the output limit, as OpenAI counts them) and the unused output is given back when the
 * answer is known. Thread-safe.
 */
final class RateLimiter {
  private final long rpm;
  private final long tpm;
  private final int maxConcurrent;
  private final Clock clock;

  private double requestTokens;
  private double tokenTokens;
  private long lastRefill;
  private int inFlight;

  /** A time source, so tests and the server share one notion of now. */
  interface Clock {
    long nanoTime();
  }

  RateLimiter(long rpm, long tpm, int maxConcurrent, Clock clock) {
    this.rpm = rpm;
    this.tpm = tpm;
    this.maxConcurrent = maxConcurrent;
    this.clock = clock;
    this.requestTokens = rpm;
    this.tokenTokens = tpm;
    this.lastRefill = clock.nanoTime();
  }

  /**
   * Tries to admit a request costing {@code tokens}; the state says whether it was and, if not,
   * why.
   */
  synchronized Admission tryAcquire(long tokens) {
    refill();
    if (maxConcurrent > 0 && inFlight >= maxConcurrent) {
      return new Admission(false, state(1_000_000_000L / 10, "concurrency"));
    }
    if (rpm > 0 && requestTokens < 1) {
      return new Admission(false, state(nanosUntil(1 - requestTokens, rpm), "requests"));
    }
    if (tpm > 0 && tokenTokens < Math.min(tokens, tpm)) {
      return new Admission(
          false, state(nanosUntil(Math.min(tokens, tpm) - tokenTokens, tpm), "tokens"));
    }
    if (rpm > 0) {
      requestTokens -= 1;
    }
    if (tpm > 0) {
      tokenTokens -= tokens;
    }
    inFlight++;
    return new Admission(true, state(0, null));
  }

  /** Gives back tokens reserved but not used. */
  synchronized void refund(long tokens) {
    if (tpm > 0 && tokens > 0) {
      refill();
      tokenTokens = Math.min(tpm, tokenTokens + tokens);
    }
  }

  /** Frees a request's slot in flight. */
  synchronized void release() {
    inFlight--;
  }

  /** The current state, for headers on successful answers. */
  synchronized RateLimitState snapshot() {
    refill();
    return state(0, null);
  }

  synchronized int inFlight() {
    return inFlight;
  }

  boolean unlimited() {
    return rpm <= 0 && tpm <= 0 && maxConcurrent <= 0;
  }

  private void refill() {
    long now = clock.nanoTime();
    double minutes = (now - lastRefill) / 60e9;
    lastRefill = now;
    if (rpm > 0) {
      requestTokens = Math.min(rpm, requestTokens + minutes * rpm);
    }
    if (tpm > 0) {
      tokenTokens = Math.min(tpm, tokenTokens + minutes * tpm);
    }
  }

  private static long nanosUntil(double missing, long perMinute) {
    return (long) Math.ceil(missing / perMinute * 60e9);
  }

  private RateLimitState state(long retryAfterNanos, String limitedBy) {
    return new RateLimitState(
        Math.max(rpm, 0),
        rpm > 0 ? (long) Math.floor(Math.max(0, requestTokens)) : 0,
        rpm > 0 ? nanosUntil(rpm - requestTokens, rpm) : 0,
        Math.max(tpm, 0),
        tpm > 0 ? (long) Math.floor(Math.max(0, tokenTokens)) : 0,
        tpm > 0 ? nanosUntil(tpm - tokenTokens, tpm) : 0,
        retryAfterNanos,
        limitedBy);
  }

  /**
   * The limiter's verdict.
   *
   * @param admitted whether the request may proceed
   * @param state the limits after the decision
   */
  record Admission(boolean admitted, RateLimitState state) {}
}
