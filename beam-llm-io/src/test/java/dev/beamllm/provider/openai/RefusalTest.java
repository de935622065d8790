package dev.beamllm.provider.openai;

import static org.junit.Assert.assertEquals;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Text;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.StreamDecoder;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * A model's refusal is an answer, not an empty one: chat completions put it in {@code
 * message.refusal} (and {@code delta.refusal} when streaming) with {@code finish_reason: stop}; the
 * Responses API as a {@code refusal} content item. Each reads as the refusal's text with the finish
 * reason {@code content_filter}. Shapes from platform.openai.com/docs/guides/structured-outputs
 * (refusals).
 */
public class RefusalTest {
  private static final String REFUSAL = "I'm sorry, I cannot assist with that request.";

  private static ProviderRequest request(boolean stream) {
    return new ProviderRequest(
        ModelRegistry.defaults().lookup("gpt-4.1-mini"),
        Conversation.user("Something it refuses"),
        SamplingParams.defaults(),
        List.of(),
        Credentials.apiKey("k"),
        Map.of(),
        null,
        stream);
  }

  @Test
  public void aChatCompletionsRefusalIsTheAnswersText() {
    String body =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\""
            + REFUSAL
            + "\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":9,\"total_tokens\":19}}";
    ParsedAnswer answer =
        Adapters.forFormat(WireFormat.OPENAI)
            .parse(request(false), new HttpAnswer(200, Map.of(), body));
    assertEquals(List.of(new Text(REFUSAL)), answer.message().parts());
    assertEquals("content_filter", answer.finishReason());
  }

  @Test
  public void anAnswerWithContentKeepsItsOwnFinishReason() {
    String body =
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\","
            + "\"refusal\":null},\"finish_reason\":\"stop\"}],\"usage\":{}}";
    ParsedAnswer answer =
        Adapters.forFormat(WireFormat.OPENAI)
            .parse(request(false), new HttpAnswer(200, Map.of(), body));
    assertEquals(List.of(new Text("4")), answer.message().parts());
    assertEquals("stop", answer.finishReason());
  }

  @Test
  public void aStreamedRefusalIsTheAnswersText() {
    StreamDecoder decoder = Adapters.forFormat(WireFormat.OPENAI).streamDecoder(request(true));
    StringBuilder deltas = new StringBuilder();
    for (String chunk :
        List.of(
            "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                + "\"refusal\":\"\"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I'm sorry, \"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I cannot assist with that request.\"},"
                + "\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")) {
      decoder.onEvent(null, chunk, deltas::append);
    }
    ParsedAnswer answer = decoder.finish();
    assertEquals(List.of(new Text(REFUSAL)), answer.message().parts());
    assertEquals("content_filter", answer.finishReason());
  }

  @Test
  public void aResponsesRefusalSaysSoInItsFinishReason() {
    String body =
        "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":"
            + "\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\","
            + "\"refusal\":\""
            + REFUSAL
            + "\"}]}],\"usage\":{\"input_tokens\":10,\"output_tokens\":9}}";
    ParsedAnswer answer =
        Adapters.forFormat(WireFormat.OPENAI_RESPONSES)
            .parse(request(false), new HttpAnswer(200, Map.of(), body));
    assertEquals(List.of(new Text(REFUSAL)), answer.message().parts());
    assertEquals("content_filter", answer.finishReason());
  }
}
