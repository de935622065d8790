package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.tool.Tool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.Test;

/**
 * {@link ClientConfig} is the one definition of the client's settings: every {@code withX} on it
 * has its one-line twin on {@link LlmIO.Complete} and on {@link LlmClient.Builder}, a key in the
 * YAML/map form (or a stated reason why not), and checks its argument at once.
 */
public class OneConfigurationTest {

  /** The public {@code withX} methods of ClientConfig: the settings. */
  private static List<Method> settings() {
    List<Method> out = new ArrayList<>();
    for (Method m : ClientConfig.class.getMethods()) {
      if (m.getName().startsWith("with")
          && !Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == ClientConfig.class) {
        out.add(m);
      }
    }
    assertTrue("ClientConfig has its settings", out.size() >= 20);
    return out;
  }

  @Test
  public void everySettingHasItsTwinOnLlmIOAndOnTheClientBuilder() {
    List<String> missing = new ArrayList<>();
    for (Method setting : settings()) {
      Class<?>[] types = setting.getParameterTypes();
      try {
        Method twin = LlmIO.Complete.class.getMethod(setting.getName(), types);
        assertEquals(LlmIO.Complete.class, twin.getReturnType());
      } catch (NoSuchMethodException e) {
        missing.add("LlmIO.Complete." + setting.getName() + Arrays.toString(types));
      }
      String builderName =
          Character.toLowerCase(setting.getName().charAt(4)) + setting.getName().substring(5);
      try {
        Method twin = LlmClient.Builder.class.getMethod(builderName, types);
        assertEquals(LlmClient.Builder.class, twin.getReturnType());
      } catch (NoSuchMethodException e) {
        missing.add("LlmClient.Builder." + builderName + Arrays.toString(types));
      }
    }
    assertEquals("settings without their twin", List.of(), missing);
  }

  @Test
  public void everySettingHasAMapKeyOrAReasonWhyNot() {
    Set<String> names = new TreeSet<>();
    settings().forEach(m -> names.add(m.getName()));
    Set<String> covered = new TreeSet<>(ConfigMaps.NOT_IN_MAPS.keySet());
    for (ConfigMaps.Key key : ConfigMaps.KEYS) {
      assertTrue(
          "key '" + key.name() + "' names no setting: " + key.setting(),
          names.contains(key.setting()));
      covered.add(key.setting());
    }
    assertTrue("reasons name no setting: " + ConfigMaps.NOT_IN_MAPS, names.containsAll(covered));
    assertEquals("settings a YAML config cannot reach", names, covered);
  }

  /** A value for every map key that differs from the default. */
  private static Map<String, Object> samples() {
    Path models = Path.of("..", "testdata", "custom-models.yaml");
    return Map.ofEntries(
        Map.entry("models", List.of("gpt-4.1-mini", "gpt-4.1-nano")),
        Map.entry("model", "gpt-4.1-nano"),
        Map.entry("weights", "3,1"),
        Map.entry("models_file", models.toString()),
        Map.entry("max_requests_per_minute", 600),
        Map.entry("max_tokens_per_minute", "100000"),
        Map.entry("max_concurrent_requests", 50),
        Map.entry("model_limits", Map.of("gpt-4.1-mini", Map.of("rpm", 10))),
        Map.entry("max_attempts", 3),
        Map.entry("request_timeout", 12.5),
        Map.entry("temperature", 0.3),
        Map.entry("top_p", 0.9),
        Map.entry("max_new_tokens", 200),
        Map.entry("json_mode", true),
        Map.entry("output_schema", Map.of("type", "object")),
        Map.entry("reasoning_effort", "low"),
        Map.entry("thinking_budget", 2048),
        Map.entry("verbosity", "low"),
        Map.entry("media_resolution", "high"),
        Map.entry("logprobs", "true"),
        Map.entry("top_logprobs", 2),
        Map.entry("service_tier", "flex"),
        Map.entry("prompt_cache", "system_and_tools:1h"),
        Map.entry("max_cost", 12.5),
        Map.entry("extra_headers", Map.of("x-team", "data")),
        Map.entry("extra_body", Map.of("top_k", 40)),
        Map.entry("seed", 9),
        Map.entry("progress", "none"),
        Map.entry("keep_raw_body", true),
        Map.entry("cache", "memory"),
        Map.entry("shared_limits", "redis://127.0.0.1:6379"),
        Map.entry("use_responses_api", true),
        Map.entry("background_mode", true),
        Map.entry(
            "remote_mcp_servers",
            Map.of("mcpServers", Map.of("wiki", Map.of("url", "https://mcp.example.com/mcp")))),
        Map.entry("remote_mcp", "local"));
  }

  @Test
  public void everyMapKeyChangesTheConfigOnItsOwn() {
    Map<String, Object> samples = samples();
    ClientConfig base = ClientConfig.defaults();
    for (ConfigMaps.Key key : ConfigMaps.KEYS) {
      assertTrue("no sample value for key '" + key.name() + "'", samples.containsKey(key.name()));
      Object value = samples.get(key.name());
      ClientConfig start =
          key.name().equals("top_logprobs")
              ? base.withSamplingParams(SamplingParams.builder().logprobs(true).build())
              : base;
      ClientConfig changed = key.apply().apply(start, value);
      assertNotEquals("key '" + key.name() + "' changed nothing", start, changed);
    }
    // The keys that need others (limits of a model need the model) check as a whole.
    ClientConfig all =
        ConfigMaps.read(
                Map.of("models", "gpt-4.1-mini", "model_limits", samples.get("model_limits")))
            .check();
    assertEquals(10, all.perModelLimits().get("gpt-4.1-mini").requestsPerMinute());
  }

  @Test
  public void aBadValueInAMapIsNamedByItsKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigMaps.read(Map.of("models", "gpt-4.1-mini", "max_attempts", "many")));
    assertTrue(e.getMessage(), e.getMessage().contains("'max_attempts'"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigMaps.read(Map.of("models", "gpt-4.1-mini", "progress", "loud")));
    assertTrue(e.getMessage(), e.getMessage().contains("auto"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigMaps.read(Map.of("models", "gpt-4.1-mini", "max_atempts", 3)));
    assertTrue(e.getMessage(), e.getMessage().contains("unknown client setting 'max_atempts'"));
  }

  /** The setting's name as messages give it: {@code withMaxAttempts} → {@code maxAttempts}. */
  private static String nameOf(Method setting) {
    return Character.toLowerCase(setting.getName().charAt(4)) + setting.getName().substring(5);
  }

  @Test
  public void everyObjectArgumentIsCheckedAtOnceOnEverySurface() throws Exception {
    List<String> unchecked = new ArrayList<>();
    ClientConfig config = ClientConfig.defaults();
    LlmIO.Complete io = LlmIO.complete();
    for (Method setting : settings()) {
      if (setting.getParameterCount() != 1 || setting.getParameterTypes()[0].isPrimitive()) {
        continue;
      }
      Method twin = LlmIO.Complete.class.getMethod(setting.getName(), setting.getParameterTypes());
      for (Object target : List.of(config, io)) {
        Method m = target == config ? setting : twin;
        try {
          m.invoke(target, new Object[] {null});
          unchecked.add(target.getClass().getSimpleName() + "." + m.getName() + "(null)");
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause();
          if (!(cause instanceof IllegalArgumentException)
              || !cause.getMessage().startsWith(nameOf(setting))) {
            unchecked.add(m.getName() + "(null) threw " + cause);
          }
        }
      }
    }
    assertEquals("settings that take null without a word", List.of(), unchecked);
  }

  @Test
  public void badValuesAreRefusedAtOnceNamingTheSetting() {
    Map<String, Function<ClientConfig, ClientConfig>> bad =
        Map.ofEntries(
            Map.entry("models", c -> c.withModels()),
            Map.entry("models ", c -> c.withModels("gpt-4.1-mini", " ")),
            Map.entry("models  ", c -> c.withModels("gpt-4.1-mini", "gpt-4.1-mini")),
            Map.entry("modelWeights", c -> c.withModelWeights(1, -1)),
            Map.entry("modelWeights ", c -> c.withModelWeights(0, 0)),
            Map.entry("modelWeights  ", c -> c.withModelWeights(Double.NaN)),
            Map.entry("maxAttempts", c -> c.withMaxAttempts(0)),
            Map.entry("requestTimeout", c -> c.withRequestTimeout(Duration.ZERO)),
            Map.entry("requestTimeout ", c -> c.withRequestTimeout(Duration.ofSeconds(-1))),
            Map.entry("serviceTier", c -> c.withServiceTier(" ")),
            Map.entry("maxCost", c -> c.withMaxCost(0)),
            Map.entry("maxCost ", c -> c.withMaxCost(Double.NaN)),
            Map.entry("extraHeaders", c -> c.withExtraHeaders(Map.of(" ", "x"))),
            Map.entry(
                "tools",
                c -> c.withTools(Tool.of("lookup", "one", "{}"), Tool.of("lookup", "two", "{}"))),
            Map.entry("modelLimits", c -> c.withModelLimits(Map.of("", Limits.unlimited()))),
            Map.entry(
                "remoteMcpServers",
                c ->
                    c.withRemoteMcpServers(
                        dev.beamllm.mcp.McpServers.of(
                            dev.beamllm.mcp.McpServer.stdio("local", "npx")))));
    for (Map.Entry<String, Function<ClientConfig, ClientConfig>> e : bad.entrySet()) {
      try {
        e.getValue().apply(ClientConfig.defaults());
        fail(e.getKey().trim() + ": a bad value was taken");
      } catch (IllegalArgumentException refused) {
        assertTrue(
            refused.getMessage(),
            refused
                .getMessage()
                .startsWith(
                    e.getKey().trim().toLowerCase(Locale.ROOT).charAt(0)
                        + e.getKey().trim().substring(1)
                        + ":"));
      }
    }
  }

  @Test
  public void theTransformsOwnSettingsAndKeysInCodeAreRefusedAtOnce() {
    LlmIO.Complete io = LlmIO.complete();
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> io.withNumWorkers(0))
            .getMessage()
            .startsWith("numWorkers:"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> io.withBatching(-1, Duration.ofSeconds(1)))
            .getMessage()
            .startsWith("batching:"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> io.withApiKeys(ApiKeys.of(Map.of("OPENAI_API_KEY", "sk-secret"))))
            .getMessage()
            .startsWith("apiKeys:"));
  }

  @Test
  public void theWholeIsCheckedWhereModelsAndWeightsMeet() {
    ClientConfig twoWeights = ClientConfig.forModels("gpt-4.1-mini").withModelWeights(1, 2);
    assertTrue(
        assertThrows(IllegalArgumentException.class, twoWeights::check)
            .getMessage()
            .startsWith("modelWeights:"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClientConfig.forModels("no-such-model-anywhere").check());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.defaults().check())
            .getMessage()
            .startsWith("models:"));
    Set<String> distinct = new HashSet<>(ClientConfig.forModels("gpt-4.1-mini").check().models());
    assertEquals(Set.of("gpt-4.1-mini"), distinct);
  }
}
