package dev.beamllm.client;

import java.time.Duration;

/**
 * What the non-chat dispatchers ({@link FeatureDispatch}) of one client send with: its call steps
 * (admission, retries), wire formats, transport, per-attempt timeout, model specs and cache.
 *
 * @param cache where results are stored and looked up (a tolerant {@link EntryCache}, empty when
 *     the client has no cache)
 */
record DispatchContext(
    CallSteps steps,
    WireRequests wire,
    HttpTransport transport,
    Duration timeout,
    ModelSpecs specs,
    EntryCache cache) {}
