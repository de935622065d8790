package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Yes/no judgement with a probability ({@link LlmIO#score}): {@code
 * PTransform<PCollection<TextInput>, ScoreResult>}, or over plain strings with {@link #forTexts()}.
 * Each text is sent with a system message holding the question and asking for one word, Yes or No,
 * with a small output limit ({@link #withMaxNewTokens}, 5 by default). Models the registry marks as
 * giving log-probabilities (OpenAI chat and Responses, most OpenAI-compatible hosts, Cohere; a
 * custom model's {@code logprobs} capability) are asked for them with the {@value #TOP_LOGPROBS}
 * most likely alternatives per token ({@code logprobs}/{@code top_logprobs}, Gemini's {@code
 * responseLogprobs}/{@code logprobs}), and P(yes) is read from the first answer token's
 * alternatives (see {@link Score}); the others are asked without, and their answer's word gives 1
 * or 0. The sampling parameters are otherwise those of {@link #withClient}'s, per model.
 *
 * <pre>{@code
 * ScoreResult r = answers.apply(LlmIO.score("Is the text polite?")
 *     .withClient(LlmIO.complete().withModels("gpt-4.1-mini")));
 * r.scores();   // Score: id, yes, probability_yes, from_logprobs, model, cost
 * }</pre>
 */
@AutoValue
public abstract class ScoreTexts extends PTransform<PCollection<TextInput>, ScoreResult> {
  private static final long serialVersionUID = 1L;

  /** The alternatives asked for per token: within every provider's documented range. */
  public static final int TOP_LOGPROBS = 5;

  abstract ScorePrompt prompt();

  /** The client settings every question is sent with. */
  public abstract LlmIO.Complete client();

  /** The output limit of an answer. */
  public abstract int maxNewTokens();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setPrompt(ScorePrompt prompt);

    abstract Builder setClient(LlmIO.Complete client);

    abstract Builder setMaxNewTokens(int n);

    abstract ScoreTexts build();
  }

  static ScoreTexts of(String question) {
    return new AutoValue_ScoreTexts.Builder()
        .setPrompt(ScorePrompt.of(question))
        .setClient(LlmIO.complete())
        .setMaxNewTokens(5)
        .build();
  }

  /** The question each text is judged by. */
  public String question() {
    return prompt().question();
  }

  /**
   * Sends the questions with these client settings (models, limits, cache, retries, keys...). Its
   * error handler, if any, receives this transform's failures.
   */
  public ScoreTexts withClient(LlmIO.Complete client) {
    if (client == null) {
      throw new IllegalArgumentException("client: must not be null");
    }
    return toBuilder().setClient(client).build();
  }

  /**
   * The output limit of an answer (at least 1; 5 by default; 16 on OpenAI's Responses API, which
   * takes no less): a reasoning model needs more, as its reasoning counts against it.
   */
  public ScoreTexts withMaxNewTokens(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxNewTokens: must be at least 1, got " + n);
    }
    return toBuilder().setMaxNewTokens(n).build();
  }

  /** The same transform over plain strings (texts without ids). */
  public PTransform<PCollection<String>, ScoreResult> forTexts() {
    return new OverStrings<>(this, "Score");
  }

  /**
   * The client with each model's sampling parameters set for a judgement: the output limit, and
   * log-probabilities with their alternatives where the model gives them (asking a model that does
   * not would make the client refuse the request).
   */
  LlmIO.Complete judgeClient() {
    ClientConfig c = client().config();
    Map<String, SamplingParams> perModel = new HashMap<>(c.perModelParams());
    for (String m : c.models()) {
      ModelSpec spec = c.registry().lookup(m);
      boolean logprobs = spec.capabilities().logprobs();
      perModel.put(
          spec.id(),
          c.paramsFor(spec.id()).toBuilder()
              .maxNewTokens(
                  viaResponsesApi(c, spec)
                      ? Math.max(RESPONSES_MIN_OUTPUT, maxNewTokens())
                      : maxNewTokens())
              .logprobs(logprobs)
              .topLogprobs(logprobs ? TOP_LOGPROBS : null)
              .build());
    }
    // Failures go to the error handler once, from here, with those of unreadable answers.
    return client().withSamplingParams(perModel).toBuilder().setErrorHandler(null).build();
  }

  /** The Responses API refuses a {@code max_output_tokens} below this. */
  private static final int RESPONSES_MIN_OUTPUT = 16;

  /** Whether the client sends this model's requests to OpenAI's Responses API. */
  private static boolean viaResponsesApi(ClientConfig c, ModelSpec spec) {
    return spec.wireFormat() == WireFormat.OPENAI_RESPONSES
        || (c.useResponsesApi()
            && spec.wireFormat() == WireFormat.OPENAI
            && spec.provider().equals("openai")
            && spec.capabilities().responsesApi());
  }

  private static final TupleTag<Score> READ = new TupleTag<>("read") {};
  private static final TupleTag<LlmFailure> INVALID = new TupleTag<>("invalid") {};
  private static final TupleTag<Score> SCORES = new TupleTag<>("scores") {};
  private static final TupleTag<LlmFailure> FAILURES = new TupleTag<>("failures") {};

  @Override
  public ScoreResult expand(PCollection<TextInput> input) {
    ScorePrompt prompt = prompt();
    LlmResult answers =
        input
            .apply(
                "ToRequests",
                MapElements.into(TypeDescriptor.of(LlmRequest.class))
                    .via((TextInput t) -> prompt.request(t.id(), t.text())))
            .setCoder(LlmRequestCoder.of())
            .apply("Ask", judgeClient().forRequests());
    PCollectionTuple read =
        answers
            .responses()
            .apply(
                "ReadScores",
                ParDo.of(new ReadScoreFn(prompt, READ, INVALID))
                    .withOutputTags(READ, TupleTagList.of(INVALID)));
    PCollection<Score> scores = read.get(READ).setCoder(Score.coder());
    PCollection<LlmFailure> failures =
        PCollectionList.of(answers.failures())
            .and(read.get(INVALID).setCoder(LlmFailure.coder()))
            .apply("Failures", Flatten.pCollections())
            .setCoder(LlmFailure.coder());
    client().expandErrorHandler(failures);
    return new ScoreResult(input.getPipeline(), SCORES, scores, FAILURES, failures);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    client().populateDisplayData(builder);
    builder
        .add(DisplayData.item("question", question()).withLabel("Question"))
        .add(
            DisplayData.item("answerMaxNewTokens", maxNewTokens())
                .withLabel("Output limit of an answer"));
  }
}
