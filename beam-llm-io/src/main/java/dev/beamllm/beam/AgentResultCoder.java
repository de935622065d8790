package dev.beamllm.beam;

import dev.beamllm.client.AgentResult;
import dev.beamllm.response.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Encodes an {@link AgentResult}: the conversation with {@link ConversationCoder}, the last answer
 * with {@link ApiResponseCoder}, then the loop's counts, usage and cost.
 */
public final class AgentResultCoder extends AtomicCoder<AgentResult> {
  private static final AgentResultCoder INSTANCE = new AgentResultCoder();

  private AgentResultCoder() {}

  /** The one instance, stateless. */
  public static AgentResultCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(AgentResult r, OutputStream out) throws IOException {
    ConversationCoder.of().encode(r.conversation(), out);
    ApiResponseCoder.of().encode(r.last(), out);
    VarIntCoder.of().encode(r.turns(), out);
    VarIntCoder.of().encode(r.toolCalls(), out);
    VarIntCoder.of().encode(r.attempts(), out);
    encodeUsage(r.usage(), out);
    DoubleCoder.of().encode(r.cost(), out);
    encodeUsage(r.paidUsage(), out);
    DoubleCoder.of().encode(r.paidCost(), out);
  }

  private static void encodeUsage(Usage u, OutputStream out) throws IOException {
    VarLongCoder.of().encode(u.inputTokens(), out);
    VarLongCoder.of().encode(u.outputTokens(), out);
    VarLongCoder.of().encode(u.cacheReadTokens(), out);
    VarLongCoder.of().encode(u.cacheWriteTokens(), out);
  }

  private static Usage decodeUsage(InputStream in) throws IOException {
    return new Usage(
        VarLongCoder.of().decode(in),
        VarLongCoder.of().decode(in),
        VarLongCoder.of().decode(in),
        VarLongCoder.of().decode(in));
  }

  @Override
  public AgentResult decode(InputStream in) throws IOException {
    return new AgentResult(
        ConversationCoder.of().decode(in),
        ApiResponseCoder.of().decode(in),
        VarIntCoder.of().decode(in),
        VarIntCoder.of().decode(in),
        VarIntCoder.of().decode(in),
        decodeUsage(in),
        DoubleCoder.of().decode(in),
        decodeUsage(in),
        DoubleCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
