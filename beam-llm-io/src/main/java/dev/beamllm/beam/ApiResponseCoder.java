package dev.beamllm.beam;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes an {@link ApiResponse} as its {@link ApiResponseJson} form, images and files embedded.
 * Lossless, and deterministic because the JSON form writes fields in a fixed order; consistent with
 * equals because equal responses (equal messages, parts and numbers) write equal JSON.
 */
public final class ApiResponseCoder extends AtomicCoder<ApiResponse> {
  private static final ApiResponseCoder INSTANCE = new ApiResponseCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private ApiResponseCoder() {}

  /**
   * The one instance, stateless: the coder Beam infers for a {@code PCollection<ApiResponse>}, for
   * the places it cannot infer ({@code TestStream.create}, {@code KvCoder.of}).
   */
  public static ApiResponseCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ApiResponse value, OutputStream out) throws IOException {
    if (value == null) {
      throw new CoderException("cannot encode a null ApiResponse");
    }
    BYTES.encode(ApiResponseJson.toJson(value).getBytes(StandardCharsets.UTF_8), out);
  }

  @Override
  public ApiResponse decode(InputStream in) throws IOException {
    String json = new String(BYTES.decode(in), StandardCharsets.UTF_8);
    try {
      return ApiResponseJson.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new CoderException("cannot decode ApiResponse: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
