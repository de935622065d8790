package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.testing.FakeProviderServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * The in-process Flink runner works in this module's build: a real Beam pipeline on a local Flink
 * mini-cluster (parallelism 2) encodes {@link Conversation}s with their default coder, ships a
 * {@link DoFn} to Flink's task slots, calls the embedded fake provider over HTTP from there, and
 * checks every answer with {@link PAssert}.
 *
 * <p>The {@code ParDo} is a stand-in: a later LlmIO test replaces it with the real transform, on
 * the same runner set-up.
 */
public class FlinkRunnerSmokeTest {
  private static final int PROMPTS = 200;

  // TestPipeline rather than Pipeline: it fails the test if the pipeline is never run, and after
  // the run it checks, through the runner's metrics, that every PAssert actually succeeded (a
  // PAssert that never executes would otherwise pass silently).
  @Rule public final transient TestPipeline pipeline = TestPipeline.fromOptions(flinkOptions());

  private FakeProviderServer fake;

  static FlinkPipelineOptions flinkOptions() {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    // "[local]" starts a Flink mini-cluster inside this JVM; no cluster or job server is needed.
    options.setFlinkMaster("[local]");
    // Two parallel subtasks, so elements really are split between task slots and the DoFn is
    // serialized and deserialized (a single slot would hide a non-serializable DoFn on some paths).
    options.setParallelism(2);
    return options;
  }

  @Before
  public void startFake() throws InterruptedException {
    fake = FakeProviderServer.builder().start();
  }

  @After
  public void stopFake() {
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  public void everyConversationIsAnsweredOnceThroughTheFakeProvider() {
    List<Conversation> conversations = new ArrayList<>();
    List<KV<String, String>> expected = new ArrayList<>();
    for (int i = 0; i < PROMPTS; i++) {
      String prompt = "prompt " + i;
      conversations.add(Conversation.user(prompt));
      expected.add(KV.of(prompt, "Echo: " + prompt));
    }

    // Create.of infers ConversationCoder (Conversation's @DefaultCoder), so the elements really go
    // through our coder on their way into Flink.
    PCollection<KV<String, String>> answers =
        pipeline
            .apply(Create.of(conversations))
            .apply(ParDo.of(new AskFakeProvider(fake.baseUrl() + "/v1/chat/completions")));

    // Pairs rather than bare answers: the prompt rides along, so a mixed-up or duplicated answer
    // fails as surely as a missing one.
    PAssert.that(answers).containsInAnyOrder(expected);

    pipeline.run().waitUntilFinish();

    // Exactly one accepted call per conversation: none lost, none retried by the runner.
    assertEquals(PROMPTS, fake.stats().accepted());
  }

  /**
   * Posts one conversation as an OpenAI chat completion and emits (prompt, answer). It holds only
   * the URL string, because Flink serializes the DoFn to each task slot; the HTTP client is built
   * per DoFn instance in {@link Setup}.
   */
  static final class AskFakeProvider extends DoFn<Conversation, KV<String, String>> {
    private final String url;
    private transient HttpClient http;

    AskFakeProvider(String url) {
      this.url = url;
    }

    @Setup
    public void setup() {
      http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
    }

    @ProcessElement
    public void process(@Element Conversation conversation, OutputReceiver<KV<String, String>> out)
        throws IOException, InterruptedException {
      // WireFormats.openAi gives {"messages": [...]}; the request also needs a model, first.
      ObjectNode body = Json.object().put("model", "m");
      body.set("messages", Json.parse(WireFormats.openAi(conversation)).get("messages"));
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(20))
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        // Fail the bundle loudly rather than emit nothing: PAssert would then only report a count.
        throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
      }
      JsonNode answer =
          Json.parse(response.body()).path("choices").path(0).path("message").path("content");
      out.output(KV.of(conversation.messages().get(0).text(), answer.asText()));
    }
  }
}
