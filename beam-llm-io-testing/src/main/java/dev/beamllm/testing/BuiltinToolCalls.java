package dev.beamllm.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The providers' built-in tools the fake model uses: web search (Anthropic's {@code web_search_*}
 * server tool, OpenAI's {@code web_search*} tools, Gemini's {@code googleSearch}) and a code
 * interpreter (OpenAI's {@code code_interpreter}, Gemini's {@code codeExecution}). The fake reaches
 * no search engine and runs no code. Its rule: in the text of the conversation's last user message,
 * each mention {@code @web_search{"query": "<q>"}} is one web search for {@code q}, and each
 * {@code @code_interpreter{"code": "<c>"}} one run of {@code c}, in the order written, when the
 * request offers that tool; a mention without a JSON object holding that string field is plain
 * text, as is any mention of a tool not offered.
 *
 * <p>Results are deterministic: a search for {@code q} finds two pages, {@code i} = 1 and 2, at
 * {@code https://search.example/<slug>/<i>} (the first allowed domain instead of {@code
 * search.example}, when the tool names some), titled {@code Result <i> for <q>}, the slug being
 * {@code q} in lower case with each run of characters other than {@code [a-z0-9]} made one {@code
 * -}, trimmed of {@code -} ({@code q} when empty). A run of {@code c} logs {@code fake python ran:
 * <c>}. The answer's text cites the first page of the first search.
 */
final class BuiltinToolCalls {
  /** {@link ServerToolUse#kind()} of a web search. */
  static final String WEB_SEARCH = "web_search";

  /** {@link ServerToolUse#kind()} of a code interpreter run. */
  static final String CODE_INTERPRETER = "code_interpreter";

  /** The user's marker asking Anthropic's fake to pause after its first search. */
  static final String PAUSE_MARKER = "[pause_turn]";

  private static final Pattern MENTION = Pattern.compile("@(web_search|code_interpreter)(?=\\{)");

  /**
   * The built-in tools a request offers.
   *
   * @param webSearch whether a web search tool is offered
   * @param allowedDomains the search's allowed domains (may be empty)
   * @param maxUses the most searches per request, or 0 for no limit
   * @param codeInterpreter whether a code interpreter is offered
   * @param container the code interpreter's container id, or null for an automatic one
   * @param sources whether the search items list their sources (OpenAI's include)
   * @param outputs whether code interpreter items carry their outputs (OpenAI's include)
   */
  record Offer(
      boolean webSearch,
      List<String> allowedDomains,
      int maxUses,
      boolean codeInterpreter,
      String container,
      boolean sources,
      boolean outputs) {
    static final Offer NONE = new Offer(false, List.of(), 0, false, null, false, false);

    boolean any() {
      return webSearch || codeInterpreter;
    }

    ObjectNode toJson() {
      ObjectNode o = Json.object().put("web_search", webSearch);
      ArrayNode domains = o.putArray("allowed_domains");
      allowedDomains.forEach(domains::add);
      o.put("max_uses", maxUses).put("code_interpreter", codeInterpreter);
      o.put("container", container).put("sources", sources).put("outputs", outputs);
      return o;
    }

    /** The offer in a request's options ({@code "builtin"}), or {@link #NONE}. */
    static Offer of(ParsedRequest request) {
      if (request.options() == null) {
        return NONE;
      }
      JsonNode o = Json.parse(request.options()).get("builtin");
      if (o == null || !o.isObject()) {
        return NONE;
      }
      List<String> domains = new ArrayList<>();
      o.path("allowed_domains").forEach(d -> domains.add(d.asText()));
      return new Offer(
          o.path("web_search").asBoolean(),
          domains,
          o.path("max_uses").asInt(0),
          o.path("code_interpreter").asBoolean(),
          o.path("container").isTextual() ? o.get("container").asText() : null,
          o.path("sources").asBoolean(),
          o.path("outputs").asBoolean());
    }
  }

  /**
   * One call the fake model makes.
   *
   * @param kind {@link #WEB_SEARCH} or {@link #CODE_INTERPRETER}
   * @param input the query or the code
   */
  record Call(String kind, String input) {
    boolean search() {
      return kind.equals(WEB_SEARCH);
    }
  }

  /** One page a search finds. */
  record Result(String url, String title) {}

  private BuiltinToolCalls() {}

  /**
   * The calls for a conversation that ends with a user message, by the rule of the class; none
   * otherwise.
   */
  static List<Call> calls(Conversation conversation, Offer offer) {
    List<Message> messages = conversation.messages();
    if (!offer.any() || messages.isEmpty()) {
      return new ArrayList<>();
    }
    Message last = messages.get(messages.size() - 1);
    return last.role() == Role.USER ? calls(last, offer) : new ArrayList<>();
  }

  /** The calls one user message asks for. */
  static List<Call> calls(Message user, Offer offer) {
    List<Call> out = new ArrayList<>();
    for (Part p : user.parts()) {
      if (!(p instanceof Text t)) {
        continue;
      }
      Matcher m = MENTION.matcher(t.text());
      while (m.find()) {
        boolean search = m.group(1).equals(WEB_SEARCH);
        if (search ? !offer.webSearch() : !offer.codeInterpreter()) {
          continue;
        }
        JsonNode args = objectAt(t.text(), m.end());
        String field = search ? "query" : "code";
        if (args != null && args.path(field).isTextual()) {
          out.add(new Call(m.group(1), args.get(field).textValue()));
        }
      }
    }
    return out;
  }

  /** Whether the last user message's text holds {@link #PAUSE_MARKER}. */
  static boolean asksToPause(Message user) {
    return user.parts().stream()
        .anyMatch(p -> p instanceof Text t && t.text().contains(PAUSE_MARKER));
  }

  private static JsonNode objectAt(String text, int from) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text.substring(from))) {
      JsonNode node = Json.MAPPER.readTree(parser);
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The two pages a search for {@code query} finds. */
  static List<Result> results(String query, Offer offer) {
    String host =
        offer.allowedDomains().isEmpty() ? "search.example" : offer.allowedDomains().get(0);
    List<Result> out = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      out.add(
          new Result(
              "https://" + host + "/" + slug(query) + "/" + i, "Result " + i + " for " + query));
    }
    return out;
  }

  /** The query in lower case, each run of characters other than [a-z0-9] one '-', trimmed. */
  static String slug(String query) {
    String s =
        query
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+", "")
            .replaceAll("-+$", "");
    return s.isEmpty() ? "q" : s;
  }

  /** The opaque content Anthropic's fake gives a page, and checks when it comes back. */
  static String encryptedContent(String url) {
    return Base64.getEncoder().encodeToString(("fake:" + url).getBytes(StandardCharsets.UTF_8));
  }

  /** The opaque index of a citation of a page. */
  static String encryptedIndex(String url) {
    return Base64.getEncoder()
        .encodeToString(("fake-index:" + url).getBytes(StandardCharsets.UTF_8));
  }

  /** What a run of the code logs. */
  static String logs(String code) {
    return "fake python ran: " + code;
  }

  /** The words the answer cites a page with: {@code Result 1 for <q>}, its title. */
  static String citedText(Result result) {
    return result.title();
  }

  /** The sentence of the answer that cites a page: {@code Found: <title>.} */
  static String citingSentence(Result result) {
    return CITING_PREFIX + citedText(result) + ".";
  }

  /** What comes before the cited words in {@link #citingSentence}. */
  static final String CITING_PREFIX = "Found: ";
}
