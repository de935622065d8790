package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cohere rerank, v2 ({@code POST /v2/rerank}, documents as strings) and v1 ({@code POST
 * /v1/rerank}, documents as strings or objects, with {@code rank_fields} and {@code
 * return_documents}). The relevance score is the word overlap of query and document (the Jaccard
 * index of their lower-cased word sets), so a document sharing more of the query's words ranks
 * higher; results are sorted by it, best first, ties by index. Reference:
 * docs.cohere.com/reference/rerank.
 */
final class CohereRerankDialect implements Dialect {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  /** A search unit covers a query and up to 100 documents. */
  private static final int DOCUMENTS_PER_SEARCH_UNIT = 100;

  private final int version;

  /**
   * @param version 1 or 2, the API version of the path
   */
  CohereRerankDialect(int version) {
    this.version = version;
  }

  @Override
  public String name() {
    return "cohere-rerank-v" + version;
  }

  /**
   * The query then each document as user messages, and no output tokens; {@code top_n} and, for v1,
   * the documents to return travel in the request's options.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "invalid request: the request body is not valid JSON");
    String model = Bodies.requiredString(body, "model", "invalid request: model is required");
    String query = Bodies.requiredString(body, "query", "invalid request: query must not be empty");
    JsonNode documents = body.get("documents");
    if (documents == null || !documents.isArray() || documents.isEmpty()) {
      throw CohereWire.invalid("documents must be a non-empty list", "documents");
    }
    int topN = Bodies.intField(body, "top_n", 1, Integer.MAX_VALUE, documents.size());
    Bodies.intField(
        body, version == 2 ? "max_tokens_per_doc" : "max_chunks_per_doc", 1, Integer.MAX_VALUE, 1);
    boolean returnDocuments = version == 1 && Bodies.boolField(body, "return_documents");
    List<Message> messages = new ArrayList<>();
    messages.add(Message.user(query));
    long tokens = TokenCounter.count(query);
    for (int i = 0; i < documents.size(); i++) {
      String text = documentText(documents.get(i), body.get("rank_fields"), i);
      messages.add(Message.user(text));
      tokens += TokenCounter.count(text);
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("top_n", Math.min(topN, documents.size()));
    if (returnDocuments) {
      meta.put("documents", Json.MAPPER.convertValue(documents, List.class));
    }
    return ParsedRequest.ofInputs(
        model, Conversation.of(messages), tokens, Json.write(Json.MAPPER.valueToTree(meta)));
  }

  /**
   * A string document as it is; a v1 object by its {@code rank_fields} ("field: value" lines) or
   * its {@code text}.
   */
  private String documentText(JsonNode doc, JsonNode rankFields, int i) {
    if (doc.isTextual()) {
      return doc.textValue();
    }
    if (version == 2 || !doc.isObject()) {
      throw CohereWire.invalid("documents[" + i + "] must be a string", "documents");
    }
    if (rankFields != null && rankFields.isArray() && !rankFields.isEmpty()) {
      List<String> lines = new ArrayList<>();
      for (JsonNode field : rankFields) {
        JsonNode v = doc.get(field.asText());
        if (v != null) {
          lines.add(field.asText() + ": " + (v.isTextual() ? v.textValue() : v.toString()));
        }
      }
      return String.join("\n", lines);
    }
    if (!doc.path("text").isTextual()) {
      throw CohereWire.invalid(
          "documents[" + i + "] must be a string or an object with a text field", "documents");
    }
    return doc.get("text").textValue();
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    List<Message> messages = request.conversation().messages();
    Map<String, Object> meta = Json.toMap(Json.parse(request.options()));
    Set<String> query = words(messages.get(0).text());
    List<double[]> scored = new ArrayList<>();
    for (int i = 1; i < messages.size(); i++) {
      scored.add(new double[] {i - 1, relevance(query, words(messages.get(i).text()))});
    }
    scored.sort(Comparator.<double[]>comparingDouble(s -> -s[1]).thenComparingDouble(s -> s[0]));
    int topN = ((Number) meta.get("top_n")).intValue();
    List<?> documents = (List<?>) meta.get("documents");
    ObjectNode root = Json.object();
    root.put("id", CohereWire.id(request.conversation().fingerprint() + request.model()));
    ArrayNode results = root.putArray("results");
    for (double[] s : scored.subList(0, topN)) {
      int index = (int) s[0];
      ObjectNode result = results.addObject().put("index", index).put("relevance_score", s[1]);
      if (documents != null) {
        Object doc = documents.get(index);
        result.set(
            "document",
            doc instanceof String text
                ? Json.object().put("text", text)
                : Json.MAPPER.valueToTree(doc));
      }
    }
    int units = (messages.size() - 1 + DOCUMENTS_PER_SEARCH_UNIT - 1) / DOCUMENTS_PER_SEARCH_UNIT;
    CohereWire.meta(root, version).putObject("billed_units").put("search_units", units);
    return FakeHttpResponse.json(200, Json.write(root));
  }

  /** The Jaccard index of two word sets, 0 when both are empty. */
  static double relevance(Set<String> query, Set<String> document) {
    Set<String> union = new HashSet<>(query);
    union.addAll(document);
    if (union.isEmpty()) {
      return 0;
    }
    Set<String> shared = new HashSet<>(query);
    shared.retainAll(document);
    return (double) shared.size() / union.size();
  }

  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return CohereWire.error(kind, message, limits);
  }
}
