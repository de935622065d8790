package dev.beamllm.provider;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP answer as the transport received it, for an adapter to parse or classify.
 *
 * @param status the status
 * @param headers headers by lower-case name, or a case-insensitive map
 * @param body the body
 */
public record HttpAnswer(int status, Map<String, List<String>> headers, String body) {

  /** The first value of a header (name in any case). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** True for 2xx. */
  public boolean ok() {
    return status >= 200 && status < 300;
  }
}
