package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bedrock {@code InvokeModel} for Claude ({@code POST /model/{modelId}/invoke}): the body is an
 * Anthropic Messages body with {@code "anthropic_version": "bedrock-2023-05-31"} instead of the
 * header, and neither {@code model} (it is in the path) nor {@code stream} (streaming is a separate
 * operation), and images only as {@code base64} sources (a {@code url} source is a 400); the answer
 * is Anthropic's {@code message}. Credentials and errors are Bedrock's (see {@link BedrockAuth},
 * {@link BedrockErrors}). Reference:
 * docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html.
 */
final class BedrockInvokeDialect extends BedrockDialect {
  static final String VERSION = "bedrock-2023-05-31";
  private static final List<String> NOT_PERMITTED = List.of("model", "stream");

  @Override
  public String name() {
    return "bedrock-invoke";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    checkProfileRegion(request, pathModel);
    ObjectNode body =
        Bodies.object(
            request, "Malformed input request, please reformat your input and try again.");
    JsonNode version = body.get("anthropic_version");
    if (version == null || version.isNull()) {
      throw BedrockSchema.malformed("#: required key [anthropic_version] not found");
    }
    if (!VERSION.equals(version.asText())) {
      throw BedrockSchema.malformed(
          "#/anthropic_version: " + version.asText() + " is not a valid enum value");
    }
    for (String key : NOT_PERMITTED) {
      if (body.has(key)) {
        throw BedrockSchema.malformed("#: extraneous key [" + key + "] is not permitted");
      }
    }
    return AnthropicRequest.parse(body, pathModel, false);
  }

  /**
   * Anthropic's message (with Bedrock's {@code msg_bdrk_} id) and Bedrock's token-count headers.
   */
  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id = AnthropicResponse.messageId("msg_bdrk_", request);
    Map<String, String> headers = new LinkedHashMap<>(BedrockErrors.requestId());
    headers.put("x-amzn-bedrock-input-token-count", String.valueOf(answer.inputTokens()));
    headers.put("x-amzn-bedrock-output-token-count", String.valueOf(answer.outputTokens()));
    return FakeHttpResponse.json(200, Json.write(AnthropicResponse.message(id, request, answer)))
        .withHeaders(headers);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return BedrockErrors.render(kind, message, param);
  }
}
