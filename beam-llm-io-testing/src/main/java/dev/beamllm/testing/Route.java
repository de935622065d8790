package dev.beamllm.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An endpoint: a path pattern (whose first group, if any, is the model, or a side endpoint's id)
 * and the dialect serving it.
 *
 * @param method the HTTP method
 * @param pattern the path pattern
 * @param dialect the dialect
 * @param side the side endpoint answering it, or null for the dialect's model requests
 * @param description what it is, for the startup banner
 */
record Route(
    String method, Pattern pattern, Dialect dialect, SideEndpoint side, String description) {

  /** A route for model requests, on a literal path or a regular expression. */
  static Route of(String method, String regex, Dialect dialect, String description) {
    return new Route(method, Pattern.compile(regex), dialect, null, description);
  }

  /** A route for a side endpoint of a dialect (whose key check it shares). */
  static Route side(
      String method, String regex, Dialect dialect, SideEndpoint side, String description) {
    return new Route(method, Pattern.compile(regex), dialect, side, description);
  }

  /** The route matching the request and the model in its path, or null. */
  static Match match(List<Route> routes, String method, String path) {
    for (Route r : routes) {
      if (!r.method.equals(method)) {
        continue;
      }
      Matcher m = r.pattern.matcher(path);
      if (m.matches()) {
        return new Match(
            r,
            m.groupCount() >= 1
                ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8)
                : null);
      }
    }
    return null;
  }

  /**
   * A matched route.
   *
   * @param route the route
   * @param pathModel the model in the path (a side endpoint's id), or null
   */
  record Match(Route route, String pathModel) {}
}
