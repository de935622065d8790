package dev.beamllm.client;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** A bucket does not earn while what it admitted may still be on its way to the provider. */
public class InTransitTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  public void aBucketStaysBelowItsCapacityLessWhatIsInTransit() {
    InTransit transit = new InTransit();
    TokenBucket tokens = new TokenBucket(600, 0, transit::tokens); // 10 tokens a second
    tokens.take(500);
    InTransit.Sent burst = transit.sent("m", 500, 0);
    assertEquals(100, tokens.level(), 1e-9);

    // The provider's bucket is full until the burst arrives: ours earns nothing meanwhile.
    tokens.refill(2 * SECOND);
    assertEquals(100, tokens.level(), 1e-9);
    assertEquals(500, transit.tokens(), 1e-9);
    assertEquals(500, transit.tokens("m"), 1e-9);
    assertEquals(1, transit.requests("m"), 1e-9);

    // Answered: from now on it earns again, up to the whole capacity.
    transit.arrived(burst);
    tokens.refill(3 * SECOND);
    assertEquals(110, tokens.level(), 1e-9);
    tokens.give(1_000);
    assertEquals(600, tokens.level(), 1e-9);
    assertEquals(0, transit.tokens(), 1e-9);
    assertEquals(0, transit.requests(), 1e-9);
  }

  @Test
  public void whatIsStillUnansweredAfterTheLongestTransitNoLongerHoldsTheBucketDown() {
    InTransit transit = new InTransit();
    TokenBucket tokens = new TokenBucket(600, 0, transit::tokens);
    tokens.take(300);
    transit.sent("m", 300, 0);
    tokens.take(200);
    InTransit.Sent late = transit.sent("m", 200, 2 * SECOND);

    tokens.refill(InTransit.MAX_TRANSIT_NANOS);
    transit.expire(InTransit.MAX_TRANSIT_NANOS);
    assertEquals(200, transit.tokens(), 1e-9);
    assertEquals(100, tokens.level(), 1e-9);

    // The first is taken to have arrived: the bucket earns up to the capacity less the second.
    tokens.refill(InTransit.MAX_TRANSIT_NANOS + 10 * SECOND);
    assertEquals(200, tokens.level(), 1e-9);
    tokens.refill(InTransit.MAX_TRANSIT_NANOS + 60 * SECOND);
    assertEquals(400, tokens.level(), 1e-9);

    // A reservation that grows in flight holds more; its answer after the expiry counts once.
    transit.grew(late, 50);
    assertEquals(250, transit.tokens(), 1e-9);
    transit.expire(2 * SECOND + InTransit.MAX_TRANSIT_NANOS);
    assertEquals(0, transit.tokens(), 1e-9);
    transit.arrived(late);
    assertEquals(0, transit.tokens(), 1e-9);
    assertEquals(0, transit.requests("m"), 1e-9);
  }
}
