package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.tool.BuiltinTool;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Encodes an {@link LlmRequest}: a format version byte, the conversation with {@link
 * ConversationCoder}, then its own settings. The version lets a later format read this one (a
 * pipeline updated in place, an extraction's original request carried in metadata) and refuses
 * bytes it does not know instead of misreading them.
 */
public final class LlmRequestCoder extends AtomicCoder<LlmRequest> {
  private static final LlmRequestCoder INSTANCE = new LlmRequestCoder();
  private static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final NullableCoder<Integer> INT = NullableCoder.of(VarIntCoder.of());
  private static final NullableCoder<Double> DOUBLE = NullableCoder.of(DoubleCoder.of());

  /** The format written; {@link #decode} reads this one only. */
  static final int VERSION = 1;

  private LlmRequestCoder() {}

  /**
   * The one instance, stateless: the coder Beam infers for a {@code PCollection<LlmRequest>}, for
   * the places it cannot infer ({@code Create.of(...).withCoder}, {@code TestStream.create}).
   */
  public static LlmRequestCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(LlmRequest r, OutputStream out) throws IOException {
    out.write(VERSION);
    ConversationCoder.of().encode(r.conversation(), out);
    STRING.encode(r.model().orElse(null), out);
    INT.encode(r.maxNewTokens().orElse(null), out);
    DOUBLE.encode(r.temperature().orElse(null), out);
    STRING.encode(r.outputSchema().orElse(null), out);
    STRING.encode(r.source().orElse(null), out);
    STRING.encode(r.preferredModel().orElse(null), out);
    STRING.encode(r.serviceTier().orElse(null), out);
    List<Tool> tools = r.tools().orElse(null);
    VarIntCoder.of().encode(tools == null ? -1 : tools.size(), out);
    if (tools != null) {
      for (Tool t : tools) {
        StringUtf8Coder.of().encode(t.name(), out);
        StringUtf8Coder.of().encode(t.description(), out);
        StringUtf8Coder.of().encode(t.parametersJson(), out);
        BooleanCoder.of().encode(t.strict(), out);
        STRING.encode(t.isComputerUse() ? t.computerUse().toJson() : null, out);
        STRING.encode(t.builtin() == null ? null : t.builtin().toJson(), out);
      }
    }
  }

  @Override
  public LlmRequest decode(InputStream in) throws IOException {
    int version = in.read();
    if (version != VERSION) {
      throw new CoderException(
          version < 0
              ? "no LlmRequest: the input ended"
              : "an LlmRequest of format " + version + ", this version reads " + VERSION);
    }
    return LlmRequest.of(ConversationCoder.of().decode(in))
        .withModel(STRING.decode(in))
        .withMaxNewTokens(INT.decode(in))
        .withTemperature(DOUBLE.decode(in))
        .withOutputSchema(STRING.decode(in))
        .withSource(STRING.decode(in))
        .withPreferredModel(STRING.decode(in))
        .withServiceTier(STRING.decode(in))
        .withTools(decodeTools(in));
  }

  private static List<Tool> decodeTools(InputStream in) throws IOException {
    int n = VarIntCoder.of().decode(in);
    if (n < 0) {
      return null;
    }
    List<Tool> tools = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = StringUtf8Coder.of().decode(in);
      String description = StringUtf8Coder.of().decode(in);
      String parameters = StringUtf8Coder.of().decode(in);
      boolean strict = BooleanCoder.of().decode(in);
      String computer = STRING.decode(in);
      String builtin = STRING.decode(in);
      tools.add(
          new Tool(
              name,
              description,
              parameters,
              strict,
              computer == null ? null : ComputerUse.fromJson(computer),
              builtin == null ? null : BuiltinTool.fromJson(builtin)));
    }
    return tools;
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
