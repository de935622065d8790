package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A DoFn whose elements start asynchronous work on the JVM's shared client of its transform: it
 * takes the client at setup and gives it back at teardown (the last instance closes it), and keeps
 * each bundle's work in flight in a {@link BundleInFlight}.
 *
 * @param <I> the element
 * @param <U> a unit of its work (the element itself, or each part of it)
 * @param <O> the main output
 * @param <R> the result of one unit of work
 */
abstract class SharedClientFn<I, U, O, R> extends DoFn<I, O> {
  private static final long serialVersionUID = 1L;

  final String transformId;
  final ClientConfig config;
  private final SerializableFunction<ClientConfig, LlmService> clientFactory;
  transient LlmService client;
  transient LlmMetrics metrics;
  transient BundleInFlight<U, R> work;

  /**
   * @param clientFactory builds the JVM's client for this transform from {@code config}
   */
  SharedClientFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory) {
    this.transformId = transformId;
    this.config = config;
    this.clientFactory = clientFactory;
  }

  /** Takes the JVM's shared client for this transform. */
  @Setup
  public void setup() {
    client = SharedClients.acquire(transformId, config, clientFactory);
    metrics = new LlmMetrics();
    work = new BundleInFlight<>(maxInFlight());
  }

  /**
   * The most units of work a bundle keeps in flight before its thread waits: the client's limit on
   * requests in flight (none when 0).
   */
  int maxInFlight() {
    return config.limits().maxConcurrentRequests();
  }

  /** A fresh record of this bundle's work. */
  @StartBundle
  public void startBundle() {
    work.startBundle();
  }

  /** Gives the shared client back; the last instance closes it. */
  @Teardown
  public void teardown() {
    if (client != null) {
      SharedClients.release(transformId);
      client = null;
    }
  }

  /**
   * Reports what the shared client did and no instance has reported yet, once this bundle has
   * started work: after each element and at the bundle's end. Not only at the end: the DirectRunner
   * was seen (under load) to keep every counter of a bundle's {@code @ProcessElement} calls but
   * lose the throttle counter's increments made in its {@code @FinishBundle}, cause not found.
   */
  void reportClient() {
    if (work.startedAny()) {
      metrics.reportClient(transformId);
    }
  }
}
