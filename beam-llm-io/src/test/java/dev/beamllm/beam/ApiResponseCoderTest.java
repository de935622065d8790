package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.SampleResponses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.Test;

/**
 * The Beam coder of answers is lossless, deterministic, consistent with equals, and the default.
 */
public class ApiResponseCoderTest {

  @Test
  public void decodeEncodeEqualForEveryKindOfAnswer() throws Exception {
    for (Map.Entry<String, ApiResponse> e : SampleResponses.all().entrySet()) {
      ApiResponse r = e.getValue();
      CoderProperties.coderDecodeEncodeEqual(ApiResponseCoder.of(), r);
      CoderProperties.coderDeterministic(
          ApiResponseCoder.of(), r, ApiResponseCoder.of().decode(encoded(r)));
      CoderProperties.coderConsistentWithEquals(ApiResponseCoder.of(), r, r.toBuilder().build());
    }
  }

  @Test
  public void differentAnswersEncodeDifferently() throws Exception {
    ApiResponse text = SampleResponses.text();
    CoderProperties.coderConsistentWithEquals(
        ApiResponseCoder.of(), text, text.toBuilder().setCacheHit(true).build());
    CoderProperties.coderConsistentWithEquals(
        ApiResponseCoder.of(), text, text.toBuilder().setWarnings(List.of("thinking off")).build());
  }

  @Test
  public void isSerializable() {
    CoderProperties.coderSerializable(ApiResponseCoder.of());
  }

  @Test
  public void garbageFailsAsACoderException() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayCoder.of().encode("{\"v\":7}".getBytes(StandardCharsets.UTF_8), out);
    assertThrows(
        CoderException.class,
        () -> ApiResponseCoder.of().decode(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  public void isTheDefaultCoder() throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    Coder<ApiResponse> coder = p.getCoderRegistry().getCoder(ApiResponse.class);
    assertEquals(ApiResponseCoder.of(), coder);
  }

  private static ByteArrayInputStream encoded(ApiResponse r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ApiResponseCoder.of().encode(r, out);
    return new ByteArrayInputStream(out.toByteArray());
  }
}
