package dev.beamllm.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.anthropic.AnthropicAnswer;
import dev.beamllm.provider.anthropic.AnthropicBody;
import dev.beamllm.provider.internal.Errors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claude on Amazon Bedrock through {@code InvokeModel} ({@code POST /model/{id}/invoke}): the
 * Anthropic Messages body ({@link AnthropicBody}) without {@code model}, which is in the path, and
 * with {@code "anthropic_version": "bedrock-2023-05-31"} instead of the header; betas travel in the
 * body as {@code anthropic_beta}. The answer is Anthropic's message. Credentials, region and errors
 * are Bedrock's ({@link BedrockEndpoint}, {@link BedrockErrors}). Reference:
 * docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html.
 *
 * <p>Not carried, so refused before sending: streaming ({@code InvokeModelWithResponseStream}
 * frames events in AWS's binary event stream, not server-sent events), uploaded-file ids
 * (Anthropic's Files API is not on Bedrock) and images by URL (Bedrock takes images as {@code
 * base64} sources only; the client fetches URL images first, see {@link #takesImageUrls}). The
 * service tier is not sent: {@code service_tier} is an Anthropic API field that {@code invoke} does
 * not take.
 */
public final class BedrockAnthropicAdapter extends BedrockAdapter {
  /** The {@code anthropic_version} Bedrock requires in the body. */
  public static final String VERSION = "bedrock-2023-05-31";

  /** Claude's model id and {@code invoke}. */
  @Override
  protected String path(ProviderRequest r) {
    return BedrockEndpoint.path(r.model(), "invoke");
  }

  /**
   * The Anthropic body without {@code model} and {@code service_tier}, with the Bedrock version and
   * the betas.
   *
   * @throws UnsupportedOperationException for a stream or an uploaded-file id
   */
  @Override
  protected ObjectNode body(ProviderRequest r) {
    if (r.stream()) {
      throw new UnsupportedOperationException(
          "streaming Claude on Bedrock needs AWS's event-stream framing, which is not supported");
    }
    ObjectNode anthropic = AnthropicBody.build(r, false);
    Set<String> betas = AnthropicBody.betas(r);
    if (betas.contains(AnthropicBody.FILES_BETA)) {
      throw new UnsupportedOperationException(
          "uploaded-file ids are not available for Claude on Bedrock; send the file's bytes");
    }
    // Bedrock lists the betas it takes, and the hour's cache lifetime is not one: it takes the
    // ttl as it is.
    betas.remove(AnthropicBody.CACHE_TTL_BETA);
    anthropic.remove("model");
    anthropic.remove("service_tier");
    ObjectNode body = Json.object().put("anthropic_version", VERSION);
    body.setAll(anthropic);
    if (!betas.isEmpty()) {
      ArrayNode list = body.putArray("anthropic_beta");
      betas.forEach(list::add);
    }
    return body;
  }

  /** The client's extra headers without {@code anthropic-beta}, whose betas went in the body. */
  @Override
  protected Map<String, String> extraHeaders(ProviderRequest r) {
    return AnthropicBody.headersWithoutBetas(r.extraHeaders());
  }

  /** {@link AnthropicBody#warnings}: thinking turned off over a tool-use turn. */
  @Override
  public List<String> warnings(ProviderRequest r) {
    return AnthropicBody.warnings(r, false);
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body("Bedrock invoke", answer);
    return AnthropicAnswer.parse(root, AnthropicBody.outputToolSchema(r).isPresent());
  }
}
