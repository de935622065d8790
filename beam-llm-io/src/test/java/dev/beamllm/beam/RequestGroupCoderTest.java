package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/** The call stages' element: its coder is lossless and deterministic; "no model" is null. */
public class RequestGroupCoderTest {
  private static final LlmRequest A = LlmRequest.of(Conversation.user("same").withId("a"));
  private static final LlmRequest B =
      LlmRequest.of(Conversation.user("same").withId("b")).withSource("{\"id\":\"b\"}");

  @Test
  public void roundTripsDeterministically() throws Exception {
    for (RequestGroup g :
        List.of(
            RequestGroup.of(A),
            RequestGroup.of(List.of(A, B)),
            RequestGroup.of(List.of(A, B)).avoiding("gpt-4.1-mini"))) {
      CoderProperties.coderDecodeEncodeEqual(RequestGroupCoder.of(), g);
      CoderProperties.coderDeterministic(
          RequestGroupCoder.of(), g, new RequestGroup(g.requests(), g.modelToAvoid()));
      CoderProperties.coderConsistentWithEquals(RequestGroupCoder.of(), g, g);
    }
    RequestGroupCoder.of().verifyDeterministic();
  }

  @Test
  public void sendsTheFirstAndAvoidsAtMostOneModel() {
    RequestGroup g = RequestGroup.of(List.of(A, B));
    assertEquals(A, g.sent());
    assertEquals(Set.of(), g.avoid());
    assertEquals(Set.of("m"), g.avoiding("m").avoid());
    // An answer that names no model (none was tried) avoids none in the retry stage.
    assertEquals(Set.of(), g.avoiding("").avoid());
    assertEquals(Set.of(), g.avoiding(null).avoid());
    assertThrows(IllegalArgumentException.class, () -> RequestGroup.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new RequestGroup(List.of(A), " "));
  }
}
