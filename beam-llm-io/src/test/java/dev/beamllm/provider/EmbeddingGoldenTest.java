package dev.beamllm.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingRequest.InputType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The embedding and rerank calls each provider gets, pinned in {@code
 * src/test/resources/golden/embeddings}: method, URL, every header and the body, for the registry's
 * models with a key and an extra header. Run with {@code -Dgolden.update=true} to rewrite the files
 * after a deliberate change, then check every diff against the provider's API reference (named in
 * each class's Javadoc).
 */
public class EmbeddingGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/embeddings");
  private static final ModelRegistry REGISTRY = ModelRegistry.defaults();
  private static final List<String> TEXTS = List.of("The cat sat.", "Dogs bark.");
  private static final Map<String, String> EXTRA = Map.of("x-team", "embed");

  /** An Azure model with its resource in the base, so the URL does not hang on the environment. */
  private static ModelSpec azure() {
    return REGISTRY.lookup("azure-text-embedding-3-small").toBuilder()
        .setApiBase("https://myres.openai.azure.com/openai/deployments/{deployment}")
        .build();
  }

  private static EmbeddingRequest request(
      ModelSpec model, List<String> texts, Integer dimensions, InputType type) {
    return new EmbeddingRequest(
        model, texts, dimensions, type, Credentials.apiKey("test-key"), EXTRA);
  }

  private static EmbeddingRequest request(
      String model, List<String> texts, Integer dimensions, InputType type) {
    return request(REGISTRY.lookup(model), texts, dimensions, type);
  }

  private static HttpCall embed(EmbeddingRequest r) {
    return Adapters.embeddingApi(r.model().wireFormat()).orElseThrow().embed(r);
  }

  @Test
  public void everyProvidersCallIsAsPinned() throws Exception {
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    rendered.put("openai", pin(embed(request("text-embedding-3-small", TEXTS, null, null))));
    rendered.put(
        "openai-dimensions",
        pin(embed(request("text-embedding-3-large", TEXTS, 256, InputType.QUERY))));
    rendered.put("openai-ada", pin(embed(request("text-embedding-ada-002", TEXTS, null, null))));
    rendered.put("azure", pin(embed(request(azure(), TEXTS, 512, null))));
    rendered.put("mistral", pin(embed(request("mistral-embed", TEXTS, null, InputType.QUERY))));
    rendered.put("cohere-document", pin(embed(request("embed-english-v3.0", TEXTS, null, null))));
    rendered.put("cohere-query-v4", pin(embed(request("embed-v4.0", TEXTS, 512, InputType.QUERY))));
    rendered.put(
        "gemini-document",
        pin(embed(request("gemini-embedding-001", TEXTS, 768, InputType.DOCUMENT))));
    rendered.put("gemini-plain", pin(embed(request("gemini-embedding-001", TEXTS, null, null))));
    rendered.put(
        "bedrock-titan",
        pin(embed(request("bedrock-titan-embed-text-v2", List.of("The cat sat."), 512, null))));
    rendered.put(
        "bedrock-cohere",
        pin(embed(request("bedrock-cohere-embed-multilingual-v3", TEXTS, null, InputType.QUERY))));
    rendered.put(
        "voyage-document", pin(embed(request("voyage-3.5", TEXTS, 512, InputType.DOCUMENT))));
    rendered.put("voyage-plain", pin(embed(request("voyage-3.5-lite", TEXTS, null, null))));
    rendered.put(
        "jina-query", pin(embed(request("jina-embeddings-v3", TEXTS, 256, InputType.QUERY))));
    rendered.put("voyage-rerank", pin(rerank("rerank-2.5", 1)));
    rendered.put("jina-rerank", pin(rerank("jina-reranker-v2-base-multilingual", null)));
    RerankApi rerank =
        Adapters.rerankApi(REGISTRY.lookup("rerank-v3.5").wireFormat()).orElseThrow();
    rendered.put(
        "cohere-rerank",
        pin(
            rerank.rerank(
                new RerankRequest(
                    REGISTRY.lookup("rerank-v3.5"),
                    "Which animal barks?",
                    TEXTS,
                    1,
                    Credentials.apiKey("test-key"),
                    EXTRA))));
    rendered.put(
        "cohere-rerank-all",
        pin(
            rerank.rerank(
                new RerankRequest(
                    REGISTRY.lookup("rerank-v3.5"),
                    "Which animal barks?",
                    TEXTS,
                    null,
                    Credentials.none(),
                    Map.of()))));
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  /** The rerank call of a model for "Which animal barks?" over the texts. */
  private static HttpCall rerank(String model, Integer topN) {
    ModelSpec spec = REGISTRY.lookup(model);
    return Adapters.rerankApi(spec.wireFormat())
        .orElseThrow()
        .rerank(
            new RerankRequest(
                spec, "Which animal barks?", TEXTS, topN, Credentials.apiKey("test-key"), EXTRA));
  }

  /** A call as pinned: method, URL, headers sorted by name, and the body. */
  static JsonNode pin(HttpCall call) {
    ObjectNode out = Json.object().put("method", call.method()).put("url", call.uri().toString());
    ObjectNode headers = out.putObject("headers");
    call.headers().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(h -> headers.put(h.getKey(), h.getValue()));
    out.set("body", Json.parse(call.body()));
    return out;
  }
}
