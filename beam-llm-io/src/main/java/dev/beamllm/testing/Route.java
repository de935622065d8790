package dev.beamllm.testing;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An endpoint: a path pattern (whose first group, if any, is the model) and the dialect serving it.
 *
 * @param method the HTTP method
 * @param pattern the path pattern
 * @param dialect the dialect
 * @param description what it is, for the startup banner
 */
record Route(String method, Pattern pattern, Dialect dialect, String description) {

  /** A route for a literal path or a regular expression. */
  static Route of(String method, String regex, Dialect dialect, String description) {
    return new Route(method, Pattern.compile(regex), dialect, description);
  }

  /** The route matching the request and the model in its path, or null. */
  static Match match(List<Route> routes, String method, String path) {
    for (Route r : routes) {
      if (!r.method.equals(method)) {
        continue;
      }
      Matcher m = r.pattern.matcher(path);
      if (m.matches()) {
        return new Match(r, m.groupCount() >= 1 ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null);
      }
    }
    return null;
  }

  /**
   * A matched route.
   *
   * @param route the route
   * @param pathModel the model in the path, or null
   */
  record Match(Route route, String pathModel) {}
}
