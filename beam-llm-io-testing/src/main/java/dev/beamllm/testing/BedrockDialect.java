package dev.beamllm.testing;

/**
 * What the Bedrock dialects share: the key is a Bedrock API key (bearer) or the access key id of a
 * SigV4 signature, and a malformed signature is refused whatever the key; a cross-region inference
 * profile is refused when called from a region outside its geography (known from the signature's
 * scope), as Bedrock refuses it.
 */
abstract class BedrockDialect implements Dialect {
  /**
   * Refuses a geography's profile ({@code eu.anthropic...}) signed for a region of another one.
   * Reference: docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html.
   */
  static void checkProfileRegion(FakeHttpRequest request, String pathModel) {
    String region = BedrockAuth.signingRegion(request);
    int dot = pathModel.indexOf('.');
    if (region == null || dot < 0) {
      return;
    }
    boolean served =
        switch (pathModel.substring(0, dot)) {
          case "us" -> region.startsWith("us-") && !region.startsWith("us-gov-");
          case "us-gov" -> region.startsWith("us-gov-");
          case "eu" -> region.startsWith("eu-");
          case "apac" -> region.startsWith("ap-");
          case "jp" -> region.equals("ap-northeast-1") || region.equals("ap-northeast-3");
          case "au" -> region.equals("ap-southeast-2") || region.equals("ap-southeast-4");
          default -> true;
        };
    if (!served) {
      throw ProviderError.badRequest("The provided model identifier is invalid.", null);
    }
  }

  @Override
  public String apiKey(FakeHttpRequest request) {
    return BedrockAuth.apiKey(request);
  }

  @Override
  public ProviderError credentialsProblem(FakeHttpRequest request) {
    return BedrockAuth.problem(request);
  }
}
