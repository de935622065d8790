package dev.beamllm.prompt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Usage;
import java.util.Map;
import org.junit.Test;

/** The fluent builders are immutable and continue conversations with responses. */
public class BuildersTest {

  @Test
  public void fluentBuildersMakeNewObjects() {
    Message m = Message.user("What is in this image?");
    Message withImage = m.addImage(TestData.file("images/red-square.png"));
    assertNotSame(m, withImage);
    assertEquals(1, m.parts().size());
    assertEquals(2, withImage.parts().size());
    Conversation c = Conversation.system("You are terse.").add(withImage);
    assertEquals(2, c.messages().size());
    assertEquals("You are terse.", c.systemPrompt().orElseThrow());
  }

  @Test
  public void anAnswersMessageContinuesTheConversation() {
    Conversation c =
        Conversation.user("What's the weather in Oslo?")
            .withId("q1")
            .withMetadata(Map.of("row", 3));
    ApiResponse response =
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setMessage(
                Message.assistant().addToolCall("call_9", "get_weather", "{\"city\":\"Oslo\"}"))
            .setFinishReason("tool_calls")
            .setUsage(Usage.of(20, 8))
            .build();
    Conversation next =
        c.add(response.message()).add(Message.toolResult("call_9", "4 C")).validate();
    assertEquals(3, next.messages().size());
    assertEquals("q1", next.id().orElseThrow());
    assertEquals(3, next.metadata().get("row"));
    assertEquals("get_weather", response.toolCalls().get(0).name());
  }
}
