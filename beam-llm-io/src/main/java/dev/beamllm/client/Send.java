package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.provider.BackgroundApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The third step of each attempt: builds the provider's HTTP request and sends it one of three
 * ways: whole; streamed, when the caller takes text as it arrives; or, in background mode where the
 * API can, as a background job the client polls ({@link BackgroundJob}). Thread-safe.
 */
final class Send {
  private final WireRequests wire;
  private final HttpTransport transport;
  private final Scheduler scheduler;
  private final Duration timeout;
  private final boolean backgroundMode;

  /**
   * @param scheduler whose timer polls background jobs
   * @param timeout the timeout of one attempt (of a whole job in background mode)
   */
  Send(
      WireRequests wire,
      HttpTransport transport,
      Scheduler scheduler,
      Duration timeout,
      boolean backgroundMode) {
    this.wire = wire;
    this.transport = transport;
    this.scheduler = scheduler;
    this.timeout = timeout;
    this.backgroundMode = backgroundMode;
  }

  /** How provider requests are built, for the batch path, which sends them its own way. */
  WireRequests wire() {
    return wire;
  }

  /**
   * Builds an attempt; nothing is sent yet.
   *
   * @param tier the request's own service tier, or null for the client's
   * @param tools the request's own tools, or null for the client's
   * @param onText receives streamed text, or null to send the request whole
   * @throws ApiKeys.MissingKeyException when the model's key is not set
   * @throws dev.beamllm.prompt.InvalidPromptException when the model's API cannot carry the request
   * @throws UnsupportedOperationException likewise
   * @throws RuntimeException when the HTTP request cannot be built (a header it refuses, say)
   */
  Attempt prepare(
      ModelSpec spec,
      Conversation conversation,
      SamplingParams params,
      String tier,
      List<Tool> tools,
      Consumer<String> onText) {
    ProviderAdapter adapter = wire.adapter(spec);
    boolean streaming = onText != null;
    BackgroundApi background =
        !streaming && backgroundMode && adapter instanceof BackgroundApi b ? b : null;
    ProviderRequest request = wire.request(spec, conversation, params, tier, tools, streaming);
    HttpCall call =
        background != null ? background.startInBackground(request) : adapter.request(request);
    SseReader reader = streaming ? new SseReader(adapter.streamDecoder(request), onText) : null;
    return new Attempt(adapter, request, call, background, reader, adapter.warnings(request));
  }

  /** One attempt, built by {@link #prepare}, sent once. */
  final class Attempt {
    final ProviderAdapter adapter;
    private final ProviderRequest request;
    private final HttpCall call;
    private final BackgroundApi background;
    private final SseReader reader;
    private final List<String> warnings;
    private long sentAt;

    private Attempt(
        ProviderAdapter adapter,
        ProviderRequest request,
        HttpCall call,
        BackgroundApi background,
        SseReader reader,
        List<String> warnings) {
      this.adapter = adapter;
      this.request = request;
      this.call = call;
      this.background = background;
      this.reader = reader;
      this.warnings = List.copyOf(warnings);
    }

    /**
     * What the adapter changed in the request from what was asked ({@link
     * ProviderAdapter#warnings}).
     */
    List<String> warnings() {
      return warnings;
    }

    /**
     * Sends it; the future fails as {@link HttpTransport#send} does.
     *
     * @throws RuntimeException when the HTTP client refuses the request
     */
    CompletableFuture<HttpAnswer> send() {
      sentAt = System.nanoTime();
      return reader != null
          ? transport.stream(call, timeout, reader)
          : background != null
              ? new BackgroundJob(transport, scheduler, background, request, timeout).start()
              : transport.send(call, timeout);
    }

    /** The time since it was sent. */
    Duration latency() {
      return Duration.ofNanos(System.nanoTime() - sentAt);
    }

    /** Whether its answer was streamed (a streamed answer keeps no raw body). */
    boolean streamed() {
      return reader != null;
    }

    /** Whether streamed text reached the caller, who cannot unsee it. */
    boolean delivered() {
      return reader != null && reader.delivered();
    }

    /**
     * Reads a 2xx answer.
     *
     * @throws dev.beamllm.provider.ProviderException when the provider's answer is an error
     */
    ParsedAnswer parse(HttpAnswer answer) {
      return reader != null ? reader.finish() : adapter.parse(request, answer);
    }
  }
}
