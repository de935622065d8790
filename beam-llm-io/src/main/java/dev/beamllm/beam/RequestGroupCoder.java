package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/**
 * Encodes a {@link RequestGroup}: its requests with {@link LlmRequestCoder} as a list, then the
 * model to avoid (nullable). Deterministic, as its parts are, and consistent with equals.
 */
final class RequestGroupCoder extends AtomicCoder<RequestGroup> {
  private static final RequestGroupCoder INSTANCE = new RequestGroupCoder();
  private static final ListCoder<LlmRequest> REQUESTS = ListCoder.of(LlmRequestCoder.of());
  private static final NullableCoder<String> MODEL = NullableCoder.of(StringUtf8Coder.of());

  private RequestGroupCoder() {}

  /** The one instance, stateless: set on both call stages' input and the retry output. */
  static RequestGroupCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RequestGroup group, OutputStream out) throws IOException {
    REQUESTS.encode(group.requests(), out);
    MODEL.encode(group.modelToAvoid(), out);
  }

  @Override
  public RequestGroup decode(InputStream in) throws IOException {
    List<LlmRequest> requests = REQUESTS.decode(in);
    return new RequestGroup(requests, MODEL.decode(in));
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    REQUESTS.verifyDeterministic();
    MODEL.verifyDeterministic();
  }

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
