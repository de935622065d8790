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
import java.util.List;
import java.util.Set;

/**
 * The token-billed rerank APIs: Voyage ({@code POST /voyage/v1/rerank}: {@code top_k}, answered
 * under {@code data}; docs.voyageai.com/reference/reranker-api) and Jina ({@code POST
 * /jina/v1/rerank}: {@code top_n}, answered under {@code results}, documents returned unless {@code
 * return_documents} is false; api.jina.ai/openapi.json). Scores are Cohere's fake rule ({@link
 * CohereRerankDialect#relevance}: the word overlap of query and document). The tokens billed are
 * Voyage's rule, the query's tokens once per document plus the documents'
 * (docs.voyageai.com/docs/faq), reported as {@code usage.total_tokens}. Errors are {@link
 * DetailErrors}.
 */
final class TokenRerankDialect implements Dialect {
  /** "The number of documents cannot exceed 1,000" (Voyage); Jina takes as many. */
  static final int MAX_DOCUMENTS = 1000;

  private final boolean voyage;

  /**
   * @param voyage Voyage's shape, else Jina's
   */
  TokenRerankDialect(boolean voyage) {
    this.voyage = voyage;
  }

  @Override
  public String name() {
    return voyage ? "voyage-rerank" : "jina-rerank";
  }

  private String topField() {
    return voyage ? "top_k" : "top_n";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "Request body is not valid JSON.");
    String model = Bodies.requiredString(body, "model", "model: Field required");
    String query = Bodies.requiredString(body, "query", "query: Field required");
    JsonNode documents = body.get("documents");
    if (documents == null || !documents.isArray() || documents.isEmpty()) {
      throw ProviderError.badRequest("documents: must be a non-empty list of strings", "documents");
    }
    if (documents.size() > MAX_DOCUMENTS) {
      throw ProviderError.badRequest(
          "The number of documents cannot exceed " + MAX_DOCUMENTS + ".", "documents");
    }
    int top = Bodies.intField(body, topField(), 1, Integer.MAX_VALUE, documents.size());
    Bodies.boolField(body, "truncation");
    JsonNode ret = body.get("return_documents");
    boolean returnDocuments =
        ret == null || ret.isNull() ? !voyage : Bodies.boolField(body, "return_documents");
    List<Message> messages = new ArrayList<>();
    messages.add(Message.user(query));
    long queryTokens = TokenCounter.count(query);
    long tokens = 0;
    for (int i = 0; i < documents.size(); i++) {
      if (!documents.get(i).isTextual()) {
        throw ProviderError.badRequest("documents." + i + ": Input should be a valid string", null);
      }
      String text = documents.get(i).textValue();
      messages.add(Message.user(text));
      tokens += queryTokens + TokenCounter.count(text);
    }
    ObjectNode options =
        Json.object()
            .put("top", Math.min(top, documents.size()))
            .put("return_documents", returnDocuments);
    return ParsedRequest.ofInputs(model, Conversation.of(messages), tokens, Json.write(options));
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    List<Message> messages = request.conversation().messages();
    JsonNode options = Json.parse(request.options());
    Set<String> query = CohereRerankDialect.words(messages.get(0).text());
    List<double[]> scored = new ArrayList<>();
    for (int i = 1; i < messages.size(); i++) {
      scored.add(
          new double[] {
            i - 1,
            CohereRerankDialect.relevance(query, CohereRerankDialect.words(messages.get(i).text()))
          });
    }
    scored.sort(Comparator.<double[]>comparingDouble(s -> -s[1]).thenComparingDouble(s -> s[0]));
    ObjectNode root = Json.object();
    if (voyage) {
      root.put("object", "list");
    } else {
      root.put("model", request.model());
    }
    ArrayNode results = root.putArray(voyage ? "data" : "results");
    for (double[] s : scored.subList(0, options.get("top").asInt())) {
      int index = (int) s[0];
      ObjectNode item = results.addObject().put("index", index);
      if (options.get("return_documents").asBoolean()) {
        String text = messages.get(index + 1).text();
        if (voyage) {
          item.put("document", text);
        } else {
          item.putObject("document").put("text", text);
        }
      }
      item.put("relevance_score", s[1]);
    }
    if (voyage) {
      root.put("model", request.model());
    }
    root.putObject("usage").put("total_tokens", answer.totalInputTokens());
    return FakeHttpResponse.json(200, Json.write(root));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return DetailErrors.error(kind, message, limits);
  }
}
