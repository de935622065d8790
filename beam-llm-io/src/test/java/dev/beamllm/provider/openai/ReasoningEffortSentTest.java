package dev.beamllm.provider.openai;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.ProviderRequest;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * OpenAI's formats send the effort asked, by its own name: {@code none} and {@code xhigh} are
 * OpenAI efforts (platform.openai.com/docs/api-reference/chat/create, {@code reasoning_effort}),
 * not {@code minimal} and {@code high}. The client refuses before this what a model does not take.
 */
public class ReasoningEffortSentTest {

  private static JsonNode body(OpenAiChatAdapter adapter, String model, ReasoningEffort e) {
    return Json.parse(adapter.request(request(model, e)).body());
  }

  private static ProviderRequest request(String model, ReasoningEffort e) {
    return new ProviderRequest(
        ModelRegistry.defaults().lookup(model),
        Conversation.user("think"),
        SamplingParams.defaults().withReasoningEffort(e),
        List.of(),
        Credentials.apiKey("k"),
        Map.of(),
        null,
        false);
  }

  @Test
  public void chatCompletionsSendTheEffortAsked() {
    OpenAiChatAdapter chat = new OpenAiChatAdapter();
    assertEquals(
        "none", body(chat, "gpt-5.1", ReasoningEffort.NONE).get("reasoning_effort").asText());
    assertEquals(
        "minimal", body(chat, "gpt-5", ReasoningEffort.MINIMAL).get("reasoning_effort").asText());
    assertEquals(
        "xhigh", body(chat, "gpt-5.2", ReasoningEffort.XHIGH).get("reasoning_effort").asText());
  }

  @Test
  public void responsesSendTheEffortAsked() {
    OpenAiResponsesAdapter responses = new OpenAiResponsesAdapter();
    JsonNode none = Json.parse(responses.request(request("gpt-5.1", ReasoningEffort.NONE)).body());
    assertEquals("none", none.at("/reasoning/effort").asText());
    JsonNode xhigh =
        Json.parse(responses.request(request("gpt-5.2", ReasoningEffort.XHIGH)).body());
    assertEquals("xhigh", xhigh.at("/reasoning/effort").asText());
  }
}
