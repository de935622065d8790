package dev.beamllm.testing;

import java.util.Locale;
import java.util.Set;

/** Masks keys and signatures before a request is logged. */
final class Secrets {
  private static final Set<String> KEY_HEADERS =
      Set.of("x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token");

  private Secrets() {}

  static String maskHeader(String name, String value) {
    String n = name.toLowerCase(Locale.ROOT);
    if (KEY_HEADERS.contains(n)) {
      return "***";
    }
    if (n.equals("authorization")) {
      int space = value.indexOf(' ');
      return space < 0 ? "***" : value.substring(0, space) + " ***";
    }
    return value;
  }

  static String maskQuery(String uri) {
    return uri.replaceAll("([?&]key=)[^&]*", "$1***");
  }
}
