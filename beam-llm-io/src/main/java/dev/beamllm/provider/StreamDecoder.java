package dev.beamllm.provider;

import java.util.function.Consumer;

/**
 * Reads one streamed answer (server-sent events) of one request: text deltas go to the caller as
 * they arrive, and the whole answer is assembled for the end. One instance per request; not
 * thread-safe.
 */
public interface StreamDecoder {

  /**
   * Takes one server-sent event.
   *
   * @param event the {@code event:} field, or null when the stream has none
   * @param data the {@code data:} field
   * @param onText receives each text delta
   */
  void onEvent(String event, String data, Consumer<String> onText);

  /**
   * The assembled answer once the stream has ended.
   *
   * @throws ProviderException when the stream ended without a complete answer
   */
  ParsedAnswer finish();
}
