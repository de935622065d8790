package dev.beamllm.client;

import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.StreamDecoder;
import java.util.function.Consumer;

/**
 * Turns the lines of a server-sent-event stream into events for a {@link StreamDecoder}: {@code
 * event:} and {@code data:} fields gather until a blank line ends the event (several {@code data:}
 * lines join with newlines); comments ({@code :...}) and other fields are skipped. Text deltas go
 * to the caller's consumer, and {@link #delivered()} tells whether any did. One per attempt.
 * Reference: html.spec.whatwg.org/multipage/server-sent-events.html.
 */
final class SseReader implements Consumer<String> {
  private final StreamDecoder decoder;
  private final Consumer<String> onText;
  private final StringBuilder data = new StringBuilder();
  private String event;
  private boolean hasData;
  private volatile boolean delivered;

  SseReader(StreamDecoder decoder, Consumer<String> onText) {
    this.decoder = decoder;
    this.onText = onText;
  }

  /** Takes one line (without its line break). */
  @Override
  public void accept(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("event")) {
      event = value;
    } else if (field.equals("data")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    }
  }

  /**
   * Ends the stream (an event the server did not close with a blank line still counts) and returns
   * the decoder's answer.
   *
   * @throws dev.beamllm.provider.ProviderException when the stream held no complete answer
   */
  ParsedAnswer finish() {
    dispatch();
    return decoder.finish();
  }

  /** Whether any text reached the caller. */
  boolean delivered() {
    return delivered;
  }

  private void dispatch() {
    if (hasData) {
      decoder.onEvent(event, data.toString(), this::deliver);
    }
    event = null;
    data.setLength(0);
    hasData = false;
  }

  private void deliver(String text) {
    delivered = true;
    onText.accept(text);
  }
}
