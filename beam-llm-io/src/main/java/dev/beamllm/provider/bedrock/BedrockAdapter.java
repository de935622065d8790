package dev.beamllm.provider.bedrock;

import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.response.ApiError;
import java.util.Map;

/**
 * What every Bedrock runtime API shares: the endpoint and its region, a Bedrock API key or SigV4
 * signing ({@link BedrockEndpoint}), and Bedrock's errors ({@link BedrockErrors}). Each API adds
 * its operation's path and body.
 */
abstract class BedrockAdapter extends BaseAdapter {

  @Override
  protected String baseUrl(ProviderRequest r) {
    return BedrockEndpoint.baseUrl(r.model());
  }

  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    return BedrockEndpoint.headers(r.credentials());
  }

  @Override
  protected HttpCall sign(ProviderRequest r, HttpCall call) {
    return BedrockEndpoint.signed(call, r.model(), r.credentials());
  }

  /**
   * False: Bedrock takes images as bytes only (Converse {@code source.bytes}, Claude's {@code
   * invoke} a {@code base64} source), so the client fetches URL images and sends their bytes.
   */
  @Override
  public boolean takesImageUrls() {
    return false;
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    return BedrockErrors.of(answer);
  }
}
