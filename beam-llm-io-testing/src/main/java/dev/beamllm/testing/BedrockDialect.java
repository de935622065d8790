package dev.beamllm.testing;

/**
 * What the Bedrock dialects share: the key is a Bedrock API key (bearer) or the access key id of a
 * SigV4 signature, and a malformed signature is refused whatever the key.
 */
abstract class BedrockDialect implements Dialect {
  @Override
  public String apiKey(FakeHttpRequest request) {
    return BedrockAuth.apiKey(request);
  }

  @Override
  public ProviderError credentialsProblem(FakeHttpRequest request) {
    return BedrockAuth.problem(request);
  }
}
