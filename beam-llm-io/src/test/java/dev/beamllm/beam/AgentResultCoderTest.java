package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.client.AgentResult;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/** An agent's result survives the trip between workers, a failed one too. */
public class AgentResultCoderTest {
  @Test
  public void roundTrips() throws Exception {
    Conversation c =
        Conversation.user("Use lookup.")
            .withId("row-1")
            .add(
                Message.of(
                    dev.beamllm.prompt.Role.ASSISTANT,
                    List.of(ToolCall.of("c1", "lookup", "{\"city\":\"Oslo\"}"))))
            .add(Message.toolResults(List.of(ToolResult.of("c1", "sunny"))))
            .addAssistant("It is sunny.");
    ApiResponse last =
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setProvider("openai")
            .setMessage(Message.assistant("It is sunny."))
            .setUsage(Usage.of(40, 5))
            .setCost(0.00012)
            .setConversationId("row-1")
            .build();
    AgentResult done =
        new AgentResult(
            c, last, 2, 1, 3, new Usage(80, 12, 3, 4), 0.0003, new Usage(40, 7, 0, 0), 0.0002);
    CoderProperties.coderDecodeEncodeEqual(AgentResultCoder.of(), done);
    AgentResult failed =
        new AgentResult(
            c,
            last.toBuilder().setError(ApiError.of(ErrorKind.MAX_TURNS, "still calling")).build(),
            3,
            2,
            0,
            Usage.ZERO,
            0,
            Usage.ZERO,
            0);
    CoderProperties.coderDecodeEncodeEqual(AgentResultCoder.of(), failed);
    assertEquals(3, failed.failedTurn());
    assertEquals(0, done.failedTurn());
  }
}
