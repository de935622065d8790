package dev.beamllm.pipelines.infer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.testing.RedisServer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every client setting ({@link ClientConfig}'s {@code withX}) is reachable from the main job's
 * flags, or is listed here with the reason it is not: a flag given changes the job's client
 * configuration, and a bad value is refused naming the flag.
 */
public class JobReachesEveryClientSettingTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** The flags that reach each setting, with a value that differs from the default. */
  private static final Map<String, List<String>> FLAGS =
      Map.ofEntries(
          Map.entry("withModels", List.of("--models=gpt-4.1-nano")),
          Map.entry(
              "withModelWeights", List.of("--models=gpt-4.1-mini,gpt-4.1-nano --weights=3,1")),
          Map.entry("withRegistry", List.of("--modelsFile=../testdata/custom-models.yaml")),
          Map.entry(
              "withSamplingParams",
              List.of(
                  "--maxNewTokens=77",
                  "--temperature=0.3",
                  "--topP=0.5",
                  "--jsonMode=true",
                  "--outputSchema={\"type\":\"object\"}",
                  "--reasoningEffort=low",
                  "--models=claude-4.5-sonnet --thinkingBudget=2048",
                  "--verbosity=low",
                  "--mediaResolution=high",
                  "--logprobs=true",
                  "--logprobs=true --topLogprobs=3")),
          Map.entry("withLimits", List.of("--rpm=60", "--tpm=1000", "--maxConcurrent=7")),
          Map.entry("withModelLimits", List.of("--modelLimits={\"gpt-4.1-mini\":{\"rpm\":5}}")),
          Map.entry("withMaxAttempts", List.of("--maxAttempts=2")),
          Map.entry("withRequestTimeout", List.of("--requestTimeout=7.5")),
          Map.entry("withExtraHeaders", List.of("--extraHeaders={\"x-team\":\"data\"}")),
          Map.entry("withExtraBody", List.of("--extraBody={\"top_k\":40}")),
          Map.entry("withServiceTier", List.of("--serviceTier=flex")),
          Map.entry("withMaxCost", List.of("--maxCost=12.5")),
          Map.entry(
              "withPromptCache",
              List.of("--promptCache=system_and_tools", "--promptCache=auto:1h")),
          Map.entry("withSeed", List.of("--seed=42")),
          Map.entry("withKeepRawBody", List.of("--keepRawBody=true")),
          Map.entry("withCache", List.of("--cache=memory")),
          Map.entry("withSharedLimits", List.of("--sharedLimits=REDIS_URI")),
          Map.entry("withResponsesApi", List.of("--responsesApi=true")),
          Map.entry("withBackgroundMode", List.of("--backgroundMode=true")),
          Map.entry(
              "withRemoteMcpServers", List.of("--remoteMcpServers=../testdata/remote-mcp.json")),
          Map.entry(
              "withRemoteMcp",
              List.of("--remoteMcpServers=../testdata/remote-mcp.json --remoteMcp=local")),
          // Only references: the keys themselves come from the environment, .env or Secret Manager.
          Map.entry(
              "withApiKeys",
              List.of("--apiKeySecrets=OPENAI_API_KEY=gcp-secret://projects/p/secrets/openai")));

  /** The settings the job does not offer, and why. */
  private static final Map<String, String> NOT_FLAGS =
      Map.of(
          "withTools", "tools are Java objects; MCP servers will come as their own option",
          "withPostprocess", "a hook is Java code",
          "withProgress", "the job shows its own progress (--progress), workers print none");

  /**
   * {@code --limitShares} is the transform's own setting, not the client's: each worker's client
   * gets its share of the limits.
   */
  @Test
  public void theStaticSplitReachesTheTransform() throws Exception {
    DisplayData shown = DisplayData.from(transformOf("--limitShares=4", "--rpm=6000"));
    assertTrue(
        shown.toString(),
        shown.items().stream()
            .anyMatch(
                i -> i.getKey().equals("numWorkers") && String.valueOf(i.getValue()).equals("4")));
  }

  private ClientConfig configOf(String... flags) throws Exception {
    return transformOf(flags).config();
  }

  private LlmIO.Complete transformOf(String... flags) throws Exception {
    Path input = tmp.getRoot().toPath().resolve("in.jsonl");
    Files.writeString(input, "{\"prompt\":\"hi\"}\n");
    List<String> args = new ArrayList<>();
    args.add("--input=" + input);
    args.add("--output=" + tmp.getRoot().toPath().resolve("out.jsonl"));
    args.add("--checkpoint=none");
    args.add("--fakeProviderUrl=http://127.0.0.1:9");
    for (String f : flags) {
      args.addAll(List.of(f.replace("REDIS_URI", redis.uri()).split(" ")));
    }
    if (args.stream().noneMatch(a -> a.startsWith("--models="))) {
      args.add("--models=gpt-4.1-mini");
    }
    BatchInferenceOptions o =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .as(BatchInferenceOptions.class);
    JobSettings.check(o);
    return BatchInference.Job.plan(o, null).transform();
  }

  /** A real Redis, for the job checks that the shared limits' server answers before it starts. */
  private static RedisServer redis;

  @BeforeClass
  public static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterClass
  public static void stopRedis() {
    redis.close();
  }

  @Test
  public void everySettingIsAFlagOrSaysWhyNot() {
    TreeSet<String> settings = new TreeSet<>();
    for (Method m : ClientConfig.class.getMethods()) {
      if (m.getName().startsWith("with")
          && !Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == ClientConfig.class) {
        settings.add(m.getName());
      }
    }
    TreeSet<String> covered = new TreeSet<>(FLAGS.keySet());
    covered.addAll(NOT_FLAGS.keySet());
    assertEquals(settings, covered);
  }

  @Test
  public void everyFlagChangesTheClientConfiguration() throws Exception {
    ClientConfig base = configOf();
    for (Map.Entry<String, List<String>> e : FLAGS.entrySet()) {
      for (String flags : e.getValue()) {
        ClientConfig changed = configOf(flags);
        if (e.getKey().equals("withRegistry")) {
          assertTrue(flags, changed.registry().contains("local-llama"));
          assertTrue(!base.registry().contains("local-llama"));
          continue;
        }
        // The registry is rebuilt for every plan, so compare with it put back.
        assertNotEquals(
            e.getKey() + " " + flags + " changed nothing",
            base,
            changed.withRegistry(base.registry()));
      }
    }
  }

  @Test
  public void aBadValueIsRefusedNamingItsFlag() throws Exception {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("--thinkingBudget=-1", "--thinkingBudget:"),
            Map.entry("--verbosity=chatty", "--verbosity:"),
            Map.entry("--mediaResolution=ultra", "--mediaResolution:"),
            Map.entry("--extraBody=[1]", "--extraBody:"),
            Map.entry("--sharedLimits=http://127.0.0.1:6379", "--sharedLimits:"),
            Map.entry("--sharedLimits=redis://127.0.0.1:9", "--sharedLimits:"),
            Map.entry("--topP=1.5", "--topP:"),
            Map.entry("--temperature=5", "--temperature:"),
            Map.entry("--reasoningEffort=enormous", "--reasoningEffort:"),
            Map.entry(
                "--models=gpt-5 --reasoningEffort=none",
                "--reasoningEffort: model 'gpt-5' does not take reasoning effort none"),
            Map.entry("--models=o3-minimal", "--models: model 'o3-minimal' does not take"),
            Map.entry("--topLogprobs=3", "--topLogprobs:"),
            Map.entry("--outputSchema=[1,2]", "--outputSchema:"),
            Map.entry("--outputSchema=no-such-schema.json", "--outputSchema:"),
            Map.entry("--extraHeaders=[1]", "--extraHeaders:"),
            Map.entry("--serviceTier= ", "--serviceTier:"),
            Map.entry("--maxCost=0", "--maxCost: must be a positive number of dollars"),
            Map.entry("--promptCache=everything", "--promptCache: unknown pattern 'everything'"),
            Map.entry("--promptCache=auto:2h", "--promptCache: unknown TTL '2h'"),
            Map.entry("--remoteMcpServers=no-such-file.json", "--remoteMcpServers:"),
            Map.entry(
                "--remoteMcpServers=../testdata/remote-mcp.json --remoteMcp=elsewhere",
                "--remoteMcp:"));
    for (Map.Entry<String, String> e : bad.entrySet()) {
      IllegalArgumentException refused =
          assertThrows(e.getKey(), IllegalArgumentException.class, () -> configOf(e.getKey()));
      assertTrue(
          e.getKey() + " -> " + refused.getMessage(),
          refused.getMessage().startsWith(e.getValue()));
    }
  }
}
