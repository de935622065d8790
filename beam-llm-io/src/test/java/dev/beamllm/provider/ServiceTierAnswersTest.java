package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * Each adapter keeps the service tier its provider says served the request, where the provider says
 * it: OpenAI's {@code service_tier} (chat and Responses), Anthropic's {@code usage.service_tier},
 * Bedrock Converse's {@code serviceTier.type} and Gemini's {@code x-gemini-service-tier} header.
 */
public class ServiceTierAnswersTest {
  private static ProviderRequest request(String model) {
    return new ProviderRequest(
        ModelRegistry.defaults().lookup(model),
        Conversation.user("Hi"),
        SamplingParams.defaults(),
        List.of(),
        Credentials.apiKey("k"),
        Map.of(),
        null,
        false);
  }

  private static ParsedAnswer parse(
      WireFormat format, String model, Map<String, List<String>> headers, String body) {
    return Adapters.forFormat(format).parse(request(model), new HttpAnswer(200, headers, body));
  }

  @Test
  public void openAiChatAndResponses() {
    String chat =
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"service_tier\":\"flex\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"4\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}}";
    assertEquals("flex", parse(WireFormat.OPENAI, "gpt-5", Map.of(), chat).serviceTier());
    String responses =
        "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\","
            + "\"service_tier\":\"priority\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"4\"}]}],"
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1,\"total_tokens\":11}}";
    assertEquals(
        "priority", parse(WireFormat.OPENAI_RESPONSES, "gpt-5", Map.of(), responses).serviceTier());
  }

  @Test
  public void anthropicUsage() {
    String body =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"4\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1,\"service_tier\":\"batch\"}}";
    assertEquals(
        "batch", parse(WireFormat.ANTHROPIC, "claude-3.5-haiku", Map.of(), body).serviceTier());
  }

  @Test
  public void bedrockConverse() {
    String body =
        "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"4\"}]}},"
            + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":10,\"outputTokens\":1,"
            + "\"totalTokens\":11},\"metrics\":{\"latencyMs\":5},\"serviceTier\":{\"type\":\"flex\"}}";
    assertEquals(
        "flex",
        parse(WireFormat.BEDROCK_CONVERSE, "bedrock-nova-pro", Map.of(), body).serviceTier());
  }

  @Test
  public void geminiHeader() {
    String body =
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"4\"}]},"
            + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":10,"
            + "\"candidatesTokenCount\":1,\"totalTokenCount\":11}}";
    assertEquals(
        "priority",
        parse(
                WireFormat.GEMINI,
                "gemini-2.5-flash",
                Map.of("x-gemini-service-tier", List.of("priority")),
                body)
            .serviceTier());
    assertNull(parse(WireFormat.GEMINI, "gemini-2.5-flash", Map.of(), body).serviceTier());
  }
}
