package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.TextInput;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.embed(...)} on the DirectRunner against the fake provider: every text gets its
 * vector under its id, in requests of many texts; a text too long for the model goes to the
 * failures alone; {@code rows()} gives rows of the embedding schema.
 */
public class LlmIOEmbedTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test(timeout = 120_000)
  public void everyTextGetsItsVectorUnderItsIdAndATooLongTextFailsAlone() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<TextInput> texts = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        texts.add(new TextInput("id-" + i, "support ticket " + i + " about a late parcel"));
      }
      texts.add(new TextInput("huge", "word ".repeat(10_000)));
      EmbedResult result =
          pipeline
              .apply(Create.of(texts).withCoder(TextInputCoder.of()))
              .apply(
                  LlmIO.embed("text-embedding-3-small")
                      .withRegistry(LlmIOTest.registry(fake))
                      .withDimensions(64));
      PAssert.that(result.embeddings())
          .satisfies(
              es -> {
                Set<String> ids = new HashSet<>();
                for (Embedding e : es) {
                  assertFalse(e.isError());
                  assertEquals(64, e.dimensions());
                  assertTrue(e.inputTokens() > 0);
                  ids.add(e.id().orElseThrow());
                }
                assertEquals(300, ids.size());
                return null;
              });
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                int n = 0;
                for (Embedding f : fs) {
                  n++;
                  assertEquals("huge", f.id().orElseThrow());
                  assertEquals(ErrorKind.TOO_LARGE, f.error().orElseThrow().kind());
                }
                assertEquals(1, n);
                return null;
              });
      PAssert.that(result.rows())
          .satisfies(
              rows -> {
                for (Row r : rows) {
                  assertEquals(64, r.getArray("vector").size());
                  assertEquals("text-embedding-3-small", r.getString("model"));
                }
                return null;
              });
      pipeline.run().waitUntilFinish();
      long requests =
          fake.requests().stream().filter(r -> r.path().endsWith("/v1/embeddings")).count();
      assertTrue("many texts a request: " + requests, requests >= 1 && requests <= 20);
    }
  }
}
