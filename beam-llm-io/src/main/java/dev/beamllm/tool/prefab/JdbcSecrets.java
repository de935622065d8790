package dev.beamllm.tool.prefab;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passwords in JDBC URLs, found and masked: {@code password=} (or {@code pwd}, {@code passwd},
 * {@code pass}) parameters after {@code ?}, {@code &} or {@code ;}, {@code user:password@} before a
 * host, and Oracle's {@code user/password@}. Driver messages may repeat the URL or the password, so
 * every text shown is scrubbed of both.
 */
final class JdbcSecrets {
  private JdbcSecrets() {}

  private static final String MASK = "***";

  /** {@code password=value} up to the next separator. */
  private static final Pattern PARAMETER =
      Pattern.compile("(?i)((?:password|passwd|pwd|pass)\\s*=\\s*)([^&;]*)");

  /** {@code //user:password@host}; the password may hold anything but {@code @}. */
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:;?]*:)([^@]*)(@)");

  /** Oracle's {@code jdbc:oracle:thin:user/password@host}. */
  private static final Pattern ORACLE =
      Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:[^/@:]*/)([^@]*)(@)");

  /** The URL with every password in it replaced by {@code ***}. */
  static String mask(String url) {
    if (url == null) {
      return null;
    }
    String masked = PARAMETER.matcher(url).replaceAll("$1" + MASK);
    masked = USER_INFO.matcher(masked).replaceAll("$1" + MASK + "$3");
    return ORACLE.matcher(masked).replaceAll("$1" + MASK + "$3");
  }

  /** The passwords the URL holds, as written and decoded, longest first. */
  static List<String> passwords(String url) {
    List<String> found = new ArrayList<>();
    for (Pattern p : List.of(PARAMETER, USER_INFO, ORACLE)) {
      Matcher m = p.matcher(url);
      while (m.find()) {
        String value = m.group(2);
        if (!value.isEmpty() && !value.equals(MASK)) {
          found.add(value);
          try {
            found.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // Not URL-encoded: the value as written is enough.
          }
        }
      }
    }
    found.sort(Comparator.comparingInt(String::length).reversed());
    return found;
  }

  /**
   * A message with the URL shown masked and every secret replaced by {@code ***}, whatever the
   * driver put in it.
   */
  static String scrub(String message, String url, List<String> secrets) {
    if (message == null) {
      return "";
    }
    String s = message.replace(url, mask(url));
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, MASK);
      }
    }
    return PARAMETER.matcher(s).replaceAll("$1" + MASK);
  }
}
