package dev.beamllm.beam;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Encodes an {@link LlmFailure}: the request with {@link LlmRequestCoder}, then the error's fields.
 */
public final class LlmFailureCoder extends AtomicCoder<LlmFailure> {
  private static final LlmFailureCoder INSTANCE = new LlmFailureCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private LlmFailureCoder() {}

  /** The coder. */
  public static LlmFailureCoder of() {
    return INSTANCE;
  }

  /** Lets {@code @DefaultCoder} on {@link LlmFailure} find this coder. */
  public static CoderProvider getCoderProvider() {
    return CoderProviders.forCoder(TypeDescriptor.of(LlmFailure.class), INSTANCE);
  }

  @Override
  public void encode(LlmFailure f, OutputStream out) throws IOException {
    LlmRequestCoder.of().encode(f.request(), out);
    STRING.encode(f.error().kind().name(), out);
    STRING.encode(f.error().message(), out);
    INT.encode(f.error().status(), out);
    LONG.encode(f.error().retryAfterMillis(), out);
    INT.encode(f.attempts(), out);
    STRING.encode(f.model(), out);
  }

  @Override
  public LlmFailure decode(InputStream in) throws IOException {
    var input = LlmRequestCoder.of().decode(in);
    ApiError error =
        new ApiError(
            ErrorKind.valueOf(STRING.decode(in)),
            STRING.decode(in),
            INT.decode(in),
            LONG.decode(in));
    return new LlmFailure(input, error, INT.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
