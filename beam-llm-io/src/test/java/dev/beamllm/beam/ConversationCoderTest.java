package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.GoldenConversations;
import dev.beamllm.prompt.PromptRows;
import dev.beamllm.prompt.TestData;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/** The Beam coder is lossless and deterministic, and is Conversation's default coder. */
public class ConversationCoderTest {

  @Test
  public void decodeEncodeEqualForEveryGoldenConversation() throws Exception {
    for (Map.Entry<String, Conversation> e : GoldenConversations.all().entrySet()) {
      Conversation c =
          e.getValue().withId(e.getKey()).withMetadata(Map.of("n", e.getKey().length()));
      CoderProperties.coderDecodeEncodeEqual(ConversationCoder.of(), c);
      CoderProperties.coderDeterministic(ConversationCoder.of(), c, c);
      CoderProperties.coderConsistentWithEquals(ConversationCoder.of(), c, c);
    }
  }

  @Test
  public void decodeEncodeEqualForEveryPromptRow() throws Exception {
    for (PromptRows.Line line : PromptRows.read(TestData.file("prompts.jsonl"))) {
      CoderProperties.coderDecodeEncodeEqual(
          ConversationCoder.of(), ((PromptRows.Row) line).conversation());
    }
  }

  @Test
  public void anUnvalidatedConversationStillRoundTrips() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(
        ConversationCoder.of(), Conversation.system("only system, for now"));
  }

  @Test
  public void isTheDefaultCoder() throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    Coder<Conversation> coder = p.getCoderRegistry().getCoder(Conversation.class);
    assertEquals(ConversationCoder.of(), coder);
  }
}
