package dev.beamllm.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last requests the fake server received, in a ring of fixed capacity: a job of millions of
 * requests keeps only the newest ones, so the log cannot fill the heap. A capacity of 0 keeps
 * nothing. Thread-safe; each operation holds the lock for an array store or a copy, which is short
 * next to the request it records.
 */
final class RequestLog {
  private final RecordedRequest[] ring;
  private long added;

  /**
   * A log.
   *
   * @param capacity the most requests kept; 0 keeps none
   */
  RequestLog(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("request log capacity must be >= 0, got " + capacity);
    }
    this.ring = new RecordedRequest[capacity];
  }

  /** Whether it keeps anything; when not, callers can skip building the record. */
  boolean enabled() {
    return ring.length > 0;
  }

  /** The most requests kept. */
  int capacity() {
    return ring.length;
  }

  /** Adds a request, overwriting the oldest when full. */
  synchronized void add(RecordedRequest request) {
    if (ring.length == 0) {
      return;
    }
    ring[(int) (added % ring.length)] = request;
    added++;
  }

  /** Every request kept, oldest first. */
  List<RecordedRequest> all() {
    return last(Integer.MAX_VALUE);
  }

  /**
   * The newest {@code n} requests kept, oldest first.
   *
   * @param n how many at most; must be positive
   */
  synchronized List<RecordedRequest> last(int n) {
    int size = (int) Math.min(added, ring.length);
    int count = Math.min(n, size);
    List<RecordedRequest> out = new ArrayList<>(count);
    for (long i = added - count; i < added; i++) {
      out.add(ring[(int) (i % ring.length)]);
    }
    return out;
  }

  /** Forgets every request. */
  synchronized void clear() {
    Arrays.fill(ring, null);
    added = 0;
  }
}
