package dev.beamllm.testing;

/**
 * Bedrock {@code InvokeModel} ({@code POST /model/{modelId}/invoke}), whose body is the model
 * provider's own: this picks the dialect for the model in the path. Titan Text Embeddings ({@code
 * amazon.titan-embed-text-*}) and Cohere Embed v3 ({@code cohere.embed-english-v3}, {@code
 * cohere.embed-multilingual-v3}) have theirs; every other model gets Claude's Anthropic body. A
 * cross-region profile's geography prefix ({@code us.}, {@code eu.}, ...) is looked through.
 */
final class BedrockInvokeModels extends BedrockDialect {
  private final BedrockInvokeDialect claude = new BedrockInvokeDialect();
  private final BedrockTitanEmbedDialect titan = new BedrockTitanEmbedDialect();
  private final BedrockCohereEmbedDialect cohere = new BedrockCohereEmbedDialect();

  @Override
  public String name() {
    return "bedrock-invoke";
  }

  /** The dialect of a model id. */
  BedrockDialect forModel(String modelId) {
    String id = modelId.replaceFirst("^(us|us-gov|eu|apac|jp|au|global)\\.", "");
    if (id.startsWith("amazon.titan-embed-text-")) {
      return titan;
    }
    if (id.equals("cohere.embed-english-v3") || id.equals("cohere.embed-multilingual-v3")) {
      return cohere;
    }
    return claude;
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    return forModel(pathModel).parse(request, pathModel);
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    return forModel(request.model()).success(request, answer, limits);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    // All three answer errors alike.
    return BedrockErrors.render(kind, message, param);
  }
}
