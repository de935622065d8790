package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.internal.ApiCall;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.Vectors;

/**
 * OpenAI embeddings ({@code POST {api_base}/embeddings}), also Azure OpenAI's on a deployment
 * ({@code api-version} in the query, no {@code model} in the body, as for its chat) and the
 * OpenAI-compatible servers': {@code {"model", "input": [texts], "encoding_format": "float",
 * "dimensions"?}}, answered with {@code data[{index, embedding}]} and {@code usage.prompt_tokens}.
 * Reference: platform.openai.com/docs/api-reference/embeddings/create.
 */
final class OpenAiEmbeddings implements EmbeddingApi {
  private static final String API = "OpenAI embeddings";

  /**
   * "any array must be 2048 dimensions or less", 8192 tokens per input "for all embedding models",
   * and "a maximum of 300,000 tokens summed across all inputs in a single request" (the {@code
   * input} field of platform.openai.com/docs/api-reference/embeddings/create; Azure's reference
   * says the same:
   * learn.microsoft.com/en-us/azure/foundry/reference/rest/embeddings-create-embedding).
   */
  private static final Limits LIMITS = new Limits(2048, 300_000, 8192);

  private final ApiCall caller;

  OpenAiEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  /** An embedding model reached through the OpenAI format (OpenAI, Azure, compatible servers). */
  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.OPENAI;
  }

  @Override
  public Limits limits(ModelSpec model) {
    return LIMITS;
  }

  /**
   * The call, {@code dimensions} sent as asked to the models that take it.
   *
   * @throws UnsupportedOperationException for a vector length other than the native one of an
   *     OpenAI or Azure model before text-embedding-3 (ada-002 refuses {@code dimensions})
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    boolean azure = OpenAiChatAdapter.isAzure(model);
    ObjectNode body = Json.object();
    if (!azure) {
      body.put("model", model.apiName());
    }
    ArrayNode input = body.putArray("input");
    r.texts().forEach(input::add);
    // Floats as JSON numbers: base64 is smaller on the wire but not every compatible server has it.
    body.put("encoding_format", "float");
    Integer dimensions = r.dimensions();
    if (dimensions != null) {
      if (takesDimensions(model)) {
        body.put("dimensions", dimensions);
      } else if (dimensions != model.dimensions()) {
        throw new UnsupportedOperationException(
            model.apiName()
                + " gives "
                + model.dimensions()
                + "-dimension vectors only; only text-embedding-3 and later shorten them");
      }
    }
    String path = "/embeddings";
    if (azure) {
      path +=
          "?api-version="
              + System.getenv()
                  .getOrDefault("AZURE_OPENAI_API_VERSION", OpenAiChatAdapter.AZURE_API_VERSION);
    }
    return caller.call(model, r.credentials(), r.extraHeaders(), "POST", path, Json.write(body));
  }

  /**
   * Whether {@code dimensions} may be sent: OpenAI's and Azure's text-embedding-3 models ("Only
   * supported in text-embedding-3 and later models"), and any model of a compatible server, which
   * is left to take or refuse it.
   */
  private static boolean takesDimensions(ModelSpec model) {
    boolean openAi = model.provider().equals("openai") || OpenAiChatAdapter.isAzure(model);
    return !openAi || model.apiName().startsWith("text-embedding-3");
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Embedded(
        Vectors.byIndex(API, root.get("data"), r.texts().size()),
        Vectors.tokens(root.path("usage").get("prompt_tokens")));
  }
}
