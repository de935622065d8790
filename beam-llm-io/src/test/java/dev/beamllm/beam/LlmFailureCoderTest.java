package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.Convert;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@link LlmFailure} has a Beam schema with the documented fields, its schema coder round-trips
 * every kind of failure, and a {@code PCollection<LlmFailure>} converts to rows.
 */
public class LlmFailureCoderTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** A request with every setting of its own, a source, metadata and an embedded image. */
  static LlmRequest fullRequest() {
    Conversation c =
        Conversation.system("You are terse.")
            .add(
                Message.user("What is in this image?")
                    .addImage(Image.fromPath(TestData.file("images/red-square.png"))))
            .withId("q4")
            .withMetadata(Map.of("row", 12));
    return LlmRequest.of(c)
        .withModel("claude-3.5-haiku")
        .withMaxNewTokens(200)
        .withTemperature(0.3)
        .withOutputSchema("{\"type\":\"object\"}")
        .withSource("{\"id\":\"q4\",\"prompt\":\"...\"}");
  }

  /** The fields the class Javadoc promises. */
  private static final List<String> FIELDS =
      List.of(
          "conversation_id",
          "conversation_json",
          "source",
          "requested_model",
          "max_new_tokens",
          "temperature",
          "output_schema",
          "error_kind",
          "message",
          "status",
          "retry_after_millis",
          "attempts",
          "model",
          "turn",
          "answer");

  static List<LlmFailure> samples() {
    return List.of(
        LlmFailure.of(
            fullRequest(), new ApiError(ErrorKind.RATE_LIMIT, "slow down", 429, 1500), 6, "m"),
        LlmFailure.of(
            Conversation.user("no id, no settings"),
            ApiError.of(ErrorKind.SERVER, "down"),
            3,
            "gpt-4.1-mini"),
        // Refused before any model was tried; an empty conversation is invalid and still kept.
        LlmFailure.of(
            Conversation.of(List.of()).withId("empty"),
            ApiError.of(ErrorKind.INVALID_INPUT, "empty prompt"),
            0,
            null),
        // An extraction's answer that failed its schema, kept with the failure.
        LlmFailure.of(
                fullRequest(),
                ApiError.of(ErrorKind.INVALID_OUTPUT, "$.age: string found, integer expected"),
                2,
                "gpt-4.1-mini")
            .withTurn(2)
            .withAnswer("{\"age\": \"ten\"}"));
  }

  @Test
  public void hasTheDocumentedSchema() throws Exception {
    Schema schema = pipeline.getSchemaRegistry().getSchema(LlmFailure.class);
    assertEquals(Set.copyOf(FIELDS), Set.copyOf(schema.getFieldNames()));
    assertTrue(schema.getField("conversation_id").getType().getNullable());
    assertTrue(schema.getField("max_new_tokens").getType().getNullable());
    assertEquals(Schema.TypeName.INT32, schema.getField("max_new_tokens").getType().getTypeName());
    assertEquals(Schema.TypeName.DOUBLE, schema.getField("temperature").getType().getTypeName());
    assertEquals(
        Schema.TypeName.INT64, schema.getField("retry_after_millis").getType().getTypeName());
    assertEquals(false, schema.getField("conversation_json").getType().getNullable());
    assertEquals(false, schema.getField("status").getType().getNullable());
  }

  @Test
  public void schemaCoderRoundTripsEveryKindOfFailure() throws Exception {
    for (LlmFailure f : samples()) {
      CoderProperties.coderDecodeEncodeEqual(LlmFailure.coder(), f);
      CoderProperties.coderConsistentWithEquals(LlmFailure.coder(), f, f);
    }
  }

  @Test
  public void rebuildsTheRequestAndTheError() {
    LlmRequest request = fullRequest();
    ApiError error = new ApiError(ErrorKind.CONTEXT_LENGTH, "too long", 400, -1);
    LlmFailure f = LlmFailure.of(request, error, 1, "claude-3.5-haiku");
    assertEquals(request, f.request());
    assertEquals(request.conversation(), f.input());
    assertEquals(error, f.error());
    assertEquals("q4", f.getConversationId());
    assertEquals("CONTEXT_LENGTH", f.getErrorKind());
    assertEquals(1, f.attempts());
    assertEquals("claude-3.5-haiku", f.model());
    LlmFailure none = samples().get(2);
    assertEquals("", none.model());
    assertNull(none.getSource());
    assertEquals(Conversation.of(List.of()).withId("empty"), none.input());
  }

  @Test
  public void theRegistryFindsTheSchemaCoderInsideAKv() throws Exception {
    Coder<KV<String, LlmFailure>> coder =
        pipeline
            .getCoderRegistry()
            .getCoder(TypeDescriptors.kvs(TypeDescriptors.strings(), new TypeDescriptor<>() {}));
    assertEquals(KvCoder.of(StringUtf8Coder.of(), LlmFailure.coder()), coder);
  }

  @Test
  public void failuresConvertToRows() {
    PCollection<LlmFailure> failures =
        pipeline.apply(Create.of(samples()).withCoder(LlmFailure.coder()));
    PCollection<Row> rows = failures.apply("ToRows", Convert.toRows());
    PAssert.that(
            rows.apply(
                "Fields",
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (Row r) ->
                            r.getString("conversation_id")
                                + " "
                                + r.getString("error_kind")
                                + " "
                                + r.getInt32("status")
                                + " "
                                + r.getInt32("attempts")
                                + " "
                                + r.getString("model"))))
        .containsInAnyOrder(
            "q4 RATE_LIMIT 429 6 m",
            "null SERVER 0 3 gpt-4.1-mini",
            "empty INVALID_INPUT 0 0 ",
            "q4 INVALID_OUTPUT 0 2 gpt-4.1-mini");
    // And back: a row read from a table is a failure again.
    PAssert.that(rows.apply("FromRows", Convert.fromRows(LlmFailure.class)))
        .containsInAnyOrder(samples());
    pipeline.run().waitUntilFinish();
  }
}
