package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.TextInput;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import java.util.List;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Classification into a fixed label set ({@link LlmIO#classify}): {@code
 * PTransform<PCollection<TextInput>, ClassifyResult>}, or over plain strings with {@link
 * #forTexts()}. Built on {@link LlmIO#extract(String)}: each text is sent with the JSON schema
 * {@code {"label": {"enum": [labels]}}} as its output schema, so every provider constrains the
 * answer natively (OpenAI's strict {@code json_schema}, Gemini's {@code responseJsonSchema}...);
 * each answer is checked against it, one outside the set gets one repair turn, and what is still
 * invalid is an {@code INVALID_OUTPUT} failure with the answer. The labels and the instructions go
 * in a system message, the text alone as the user's message.
 *
 * <pre>{@code
 * ClassifyResult r = reviews.apply(LlmIO.classify(List.of("positive", "negative", "neutral"))
 *     .withInstructions("The texts are reviews of a phone.")
 *     .withClient(LlmIO.complete().withModels("gpt-4.1-mini")));
 * r.classifications();   // Classification: id, label
 * }</pre>
 */
@AutoValue
public abstract class ClassifyTexts extends PTransform<PCollection<TextInput>, ClassifyResult> {
  private static final long serialVersionUID = 1L;

  abstract ClassifyPrompt prompt();

  /** The client settings both turns (answer, repair) are sent with. */
  public abstract LlmIO.Complete client();

  /** Whether an answer outside the label set gets one repair turn (on by default). */
  public abstract boolean repairTurn();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setPrompt(ClassifyPrompt prompt);

    abstract Builder setClient(LlmIO.Complete client);

    abstract Builder setRepairTurn(boolean on);

    abstract ClassifyTexts build();
  }

  static ClassifyTexts of(List<String> labels) {
    return new AutoValue_ClassifyTexts.Builder()
        .setPrompt(ClassifyPrompt.of(labels, null))
        .setClient(LlmIO.complete())
        .setRepairTurn(true)
        .build();
  }

  /** The labels, in the order given. */
  public List<String> labels() {
    return prompt().labels();
  }

  /** The JSON schema every answer must satisfy, as sent to the models. */
  public String schemaJson() {
    return prompt().schemaJson();
  }

  /**
   * Adds these instructions to the system message, after the labels (what the texts are, what each
   * label means); null or blank for none.
   */
  public ClassifyTexts withInstructions(@Nullable String instructions) {
    return toBuilder().setPrompt(prompt().withInstructions(instructions)).build();
  }

  /**
   * Sends both turns with these client settings (models, limits, cache, retries, keys, batch
   * API...). Its error handler, if any, receives this transform's failures.
   */
  public ClassifyTexts withClient(LlmIO.Complete client) {
    if (client == null) {
      throw new IllegalArgumentException("client: must not be null");
    }
    return toBuilder().setClient(client).build();
  }

  /** Whether an answer outside the label set gets its one repair turn; see {@link Extract}. */
  public ClassifyTexts withRepairTurn(boolean on) {
    return toBuilder().setRepairTurn(on).build();
  }

  /** The same transform over plain strings (texts without ids). */
  public PTransform<PCollection<String>, ClassifyResult> forTexts() {
    return new OverStrings<>(this, "Classify");
  }

  private static final TupleTag<Classification> CLASSIFICATIONS =
      new TupleTag<>("classifications") {};
  private static final TupleTag<LlmFailure> FAILURES = new TupleTag<>("failures") {};

  @Override
  public ClassifyResult expand(PCollection<TextInput> input) {
    ClassifyPrompt prompt = prompt();
    ExtractResult<String> extracted =
        input
            .apply(
                "ToConversations",
                MapElements.into(TypeDescriptor.of(Conversation.class))
                    .via((TextInput t) -> prompt.conversation(t)))
            .setCoder(ConversationCoder.of())
            .apply(
                "Extract",
                Extract.of(prompt.schemaJson()).withClient(client()).withRepairTurn(repairTurn()));
    PCollection<Classification> labels =
        extracted
            .rowsWithIds()
            .apply(
                "ToClassifications",
                MapElements.into(TypeDescriptor.of(Classification.class))
                    .via(
                        (KV<String, String> row) ->
                            Classification.of(
                                row.getKey(), Json.parse(row.getValue()).get("label").asText())))
            .setCoder(Classification.coder());
    return new ClassifyResult(
        input.getPipeline(), CLASSIFICATIONS, labels, FAILURES, extracted.failures());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    client().populateDisplayData(builder);
    builder
        .add(DisplayData.item("labels", String.join(", ", labels())).withLabel("Labels"))
        .add(DisplayData.item("repairTurn", repairTurn()).withLabel("One repair turn"));
  }
}
