package dev.beamllm.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

/** The built-in registry, lookups, custom models and cost rules. */
public class ModelRegistryTest {
  private static final String RESOURCE = "/dev/beamllm/model/models.json";
  private final ModelRegistry registry = ModelRegistry.defaults();

  @Test
  public void holdsAtLeast150ModelsAcrossEveryProvider() {
    assertTrue("models: " + registry.size(), registry.size() >= 150);
    Set<String> providers =
        registry.models().stream().map(ModelSpec::provider).collect(Collectors.toSet());
    for (String p :
        new String[] {
          "openai",
          "anthropic",
          "google",
          "mistral",
          "cohere",
          "bedrock",
          "azure",
          "together",
          "groq",
          "deepseek",
          "fireworks",
          "xai",
          "openrouter",
          "cerebras"
        }) {
      assertTrue("provider " + p, providers.contains(p));
    }
    Set<WireFormat> formats =
        registry.models().stream().map(ModelSpec::wireFormat).collect(Collectors.toSet());
    assertEquals(Set.of(WireFormat.values()), formats);
  }

  @Test
  public void everyEntryIsComplete() throws Exception {
    Set<String> names = new HashSet<>();
    for (ModelSpec m : registry.models()) {
      assertTrue(m.id(), names.add(m.id()));
      m.aliases().forEach(a -> assertTrue(m.id() + " alias " + a, names.add(a.toLowerCase())));
      assertTrue(m.id(), m.apiBase().startsWith("https://"));
      assertFalse(m.id(), m.apiName().isBlank());
      assertTrue(m.id(), m.apiKeyEnv().isPresent());
      assertTrue(m.id(), m.contextWindow() > 0);
    }
    // The resource itself: every entry states each field (no defaults filled in), its prices and
    // the https page they come from.
    JsonNode models;
    try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE)) {
      models = new ObjectMapper().readTree(in).get("models");
    }
    assertEquals(registry.size(), models.size());
    for (JsonNode e : models) {
      String id = e.path("id").asText();
      WireFormat.parse(e.path("wire_format").asText());
      for (String field : new String[] {"api_base", "api_key_env", "source"}) {
        assertTrue(id + " " + field, e.path(field).asText("").length() > 0);
      }
      assertTrue(id + " source", e.path("source").asText().startsWith("https://"));
      assertTrue(id + " context_window", e.path("context_window").asInt() > 0);
      assertTrue(id + " max_output_tokens", e.path("max_output_tokens").isInt());
      JsonNode prices = e.path("prices");
      assertTrue(id + " prices.input", prices.path("input").isNumber());
      assertTrue(id + " prices.output", prices.path("output").isNumber());
      assertTrue(id + " prices.cached_input", prices.has("cached_input"));
      assertTrue(id + " prices.cache_write", prices.has("cache_write"));
      assertTrue(
          id + " reasoning_efforts", e.path("capabilities").path("reasoning_efforts").isArray());
    }
  }

  @Test
  public void theBuiltInRegistryRefusesAnEntryWithoutASource() {
    try {
      ModelSpecJson.read(
          Json.parse(
              "{\"id\": \"x\", \"wire_format\": \"openai\", \"api_base\": \"https://x\","
                  + " \"prices\": {}, \"capabilities\": {}}"),
          true);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("needs a \"source\""));
    }
  }

  @Test
  public void looksUpByIdOrAliasCaseInsensitively() {
    ModelSpec haiku = registry.lookup("claude-3.5-haiku");
    assertEquals(haiku, registry.lookup("claude-3-5-haiku-20241022"));
    assertEquals(haiku, registry.lookup("Claude-3-5-Haiku-Latest"));
    assertEquals("anthropic", haiku.provider());
    assertEquals(WireFormat.ANTHROPIC, haiku.wireFormat());
    assertEquals("claude-3-5-haiku-20241022", haiku.apiName());
    assertEquals("ANTHROPIC_API_KEY", haiku.apiKeyEnv().orElseThrow());
    ModelSpec mini = registry.lookup("gpt-4.1-mini");
    assertEquals(0.40, mini.prices().input(), 1e-9);
    assertEquals(1.60, mini.prices().output(), 1e-9);
    assertTrue(mini.capabilities().jsonSchema());
  }

  @Test
  public void reasoningEffortSuffixes() {
    ModelSpec high = registry.lookup("o4-mini-high");
    assertEquals("o4-mini-high", high.id());
    assertEquals("o4-mini", high.apiName());
    assertEquals(ReasoningEffort.HIGH, high.reasoningEffort().orElseThrow());
    assertEquals(
        ReasoningEffort.LOW,
        registry.lookup("o4-mini-2025-04-16-low").reasoningEffort().orElseThrow());
    assertTrue(registry.lookup("o4-mini").reasoningEffort().isEmpty());
    // A model that does not reason takes no effort suffix.
    assertFalse(registry.contains("gpt-4.1-mini-high"));
  }

  @Test
  public void unknownModelsAreRefusedWithSuggestions() {
    try {
      registry.lookup("claude-3.5-haikoo");
      fail();
    } catch (UnknownModelException e) {
      assertThat(e.getMessage(), containsString("did you mean claude-3.5-haiku"));
    }
  }

  @Test
  public void customModelsFromYamlAndJson() {
    ModelRegistry custom =
        registry
            .withModelsFrom(TestData.file("custom-models.yaml"))
            .withModelsFrom(TestData.file("custom-models.json"));
    assertEquals(registry.size() + 4, custom.size());
    ModelSpec llama = custom.lookup("local-llama");
    assertEquals("http://127.0.0.1:8000/v1", llama.apiBase());
    assertEquals(WireFormat.OPENAI, llama.wireFormat());
    assertEquals("meta-llama/Llama-3.1-8B-Instruct", llama.apiName());
    assertTrue(llama.capabilities().tools());
    assertFalse(llama.capabilities().images());
    assertTrue(custom.lookup("ollama-qwen").apiKeyEnv().isEmpty());
    assertTrue(custom.contains("ollama-qwen-json"));
    assertFalse("the defaults are untouched", registry.contains("local-llama"));
  }

  @Test
  public void customModelsAtRunTime() {
    ModelSpec vllm =
        ModelSpec.builder()
            .setId("my-vllm")
            .setProvider("vllm")
            .setWireFormat(WireFormat.OPENAI)
            .setApiName("Qwen/Qwen2.5-7B-Instruct")
            .setApiBase("http://10.0.0.5:8000/v1")
            .build();
    ModelRegistry r = registry.withModel(vllm);
    assertEquals(vllm, r.lookup("my-vllm"));
    try {
      r.withModel(vllm.toBuilder().setId("other").setAliases(List.of("gpt-4.1-mini")).build());
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(
          e.getMessage(),
          containsString("alias 'gpt-4.1-mini' of model 'other' already names 'gpt-4.1-mini'"));
    }
  }

  @Test
  public void badCustomFilesNameTheFileAndEntry() throws Exception {
    Path bad = Files.createTempFile("models", ".yaml");
    Files.writeString(
        bad,
        "models:\n  - id: ok\n    wire_format: openai\n    api_base: http://x\n  - id: broken\n    api_base: http://y\n");
    try {
      registry.withModelsFrom(bad);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(
          e.getMessage(), containsString(bad + ", model 2: model 'broken': needs \"wire_format\""));
    }
  }

  @Test
  public void namedReasoningEffortsComeFromTheRegistry() throws Exception {
    assertEquals(
        Set.of(
            ReasoningEffort.NONE,
            ReasoningEffort.LOW,
            ReasoningEffort.MEDIUM,
            ReasoningEffort.HIGH),
        registry.lookup("gpt-5.1").capabilities().reasoningEfforts());
    assertFalse(
        registry.lookup("gpt-5").capabilities().reasoningEfforts().contains(ReasoningEffort.NONE));
    assertTrue(registry.lookup("claude-4.5-sonnet").capabilities().reasoningEfforts().isEmpty());
    Path custom = Files.createTempFile("models", ".yaml");
    Files.writeString(
        custom,
        "models:\n  - id: mine\n    wire_format: openai\n    api_base: http://x\n"
            + "    capabilities: {reasoning: true, reasoning_efforts: [low, High]}\n"
            + "  - id: typo\n    wire_format: openai\n    api_base: http://x\n"
            + "    capabilities: {reasoning_efforts: [hihg]}\n");
    try {
      registry.withModelsFrom(custom);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("model 'typo': unknown reasoning effort 'hihg'"));
    }
    Files.writeString(custom, Files.readString(custom).split("  - id: typo")[0]);
    assertEquals(
        Set.of(ReasoningEffort.LOW, ReasoningEffort.HIGH),
        registry.withModelsFrom(custom).lookup("mine").capabilities().reasoningEfforts());
  }

  @Test
  public void costFollowsEachProvidersRule() {
    // OpenAI: 1,000 input of which 400 cached, 500 output at 0.40 / 0.10 / 1.60 per million.
    ModelSpec mini = registry.lookup("gpt-4.1-mini");
    double openAi = (600 * 0.40 + 400 * 0.10 + 500 * 1.60) / 1e6;
    assertEquals(openAi, mini.cost(new Usage(1_000, 500, 400, 0)), 1e-12);
    // Anthropic: input excludes cache reads and writes, each priced on its own.
    ModelSpec haiku = registry.lookup("claude-3.5-haiku");
    double anthropic = (1_000 * 0.80 + 400 * 0.08 + 200 * 1.00 + 500 * 4.00) / 1e6;
    assertEquals(anthropic, haiku.cost(new Usage(1_000, 500, 400, 200)), 1e-12);
    assertEquals(0.0, haiku.cost(Usage.ZERO), 0);
  }

  @Test
  public void costFollowsTheServiceTierTheAnswerReports() {
    Usage u = new Usage(1_000, 500, 400, 0);
    ModelSpec gpt5 = registry.lookup("gpt-5");
    double standard = (600 * 1.25 + 400 * 0.125 + 500 * 10.0) / 1e6;
    assertEquals(standard, gpt5.cost(u), 1e-12);
    assertEquals(standard, gpt5.cost(u, "default"), 1e-12);
    assertEquals(standard, gpt5.cost(u, "auto"), 1e-12);
    // OpenAI flex is priced at Batch API rates: half of everything, cache reads included.
    assertEquals(standard / 2, gpt5.cost(u, "flex"), 1e-12);
    assertEquals(standard / 2, gpt5.cost(u, "batch"), 1e-12);
    // Priority at the price OpenAI publishes for gpt-5: $2.50 / $0.25 cached / $20.
    assertEquals((600 * 2.50 + 400 * 0.25 + 500 * 20.0) / 1e6, gpt5.cost(u, "priority"), 1e-12);
    assertEquals(gpt5.cost(u, "priority"), gpt5.cost(u, "PRIORITY"), 0);
    // gpt-4o-mini's published priority price is 1.67x standard, not the 2x fallback.
    ModelSpec mini = registry.lookup("gpt-4o-mini");
    assertEquals((600 * 0.25 + 400 * 0.125 + 500 * 1.00) / 1e6, mini.cost(u, "priority"), 1e-12);
    // A model OpenAI lists no priority price for: twice standard, the top of the published range.
    ModelSpec nano = registry.lookup("gpt-5-nano");
    assertEquals(2 * nano.cost(u), nano.cost(u, "priority"), 1e-12);
    // Anthropic: batch half; Priority Tier is committed capacity at standard rates.
    ModelSpec haiku = registry.lookup("claude-3.5-haiku");
    assertEquals(haiku.cost(u) / 2, haiku.cost(u, "batch"), 1e-12);
    assertEquals(haiku.cost(u), haiku.cost(u, "priority"), 1e-12);
    assertEquals(haiku.cost(u), haiku.cost(u, "standard"), 1e-12);
    // Gemini: flex 50% off, priority "75% to 100% more".
    ModelSpec flash = registry.lookup("gemini-2.5-flash");
    assertEquals(flash.cost(u) / 2, flash.cost(u, "flex"), 1e-12);
    assertEquals(flash.cost(u) * 2, flash.cost(u, "priority"), 1e-12);
    // A provider without tier prices (Groq's flex costs the on-demand price).
    ModelSpec groq = registry.lookup("groq-llama-3.3-70b");
    assertEquals(groq.cost(u), groq.cost(u, "flex"), 1e-12);
  }

  @Test
  public void tierPricesAreReadFromCustomModels() throws Exception {
    Path custom = Files.createTempFile("models", ".yaml");
    Files.writeString(
        custom,
        "models:\n  - id: tiered\n    provider: vllm\n    wire_format: openai\n"
            + "    api_base: http://x\n"
            + "    prices: {input: 1, output: 2, service_tiers: {Fast: {input: 3, output: 6}}}\n");
    ModelSpec m = registry.withModelsFrom(custom).lookup("tiered");
    assertEquals(new Prices(3, 6, null, null), m.prices().serviceTiers().get("fast"));
    assertEquals((1_000 * 3 + 500 * 6) / 1e6, m.cost(Usage.of(1_000, 500), "fast"), 1e-12);
    assertEquals((1_000 * 1 + 500 * 2) / 1e6, m.cost(Usage.of(1_000, 500), "flex"), 1e-12);
  }

  @Test
  public void aPromptPastTheThresholdPricesTheWholeRequestHigher() {
    // Gemini 2.5 Pro: $1.25 / $10 (cached $0.125) up to 200k prompt tokens, $2.50 / $15 ($0.25)
    // above, for the whole request.
    ModelSpec pro = registry.lookup("gemini-2.5-pro");
    Usage longPrompt = new Usage(250_000, 2_000, 50_000, 0);
    assertEquals(
        (200_000 * 2.50 + 50_000 * 0.25 + 2_000 * 15.0) / 1e6, pro.cost(longPrompt), 1e-12);
    Usage shortPrompt = new Usage(150_000, 2_000, 50_000, 0);
    assertEquals(
        (100_000 * 1.25 + 50_000 * 0.125 + 2_000 * 10.0) / 1e6, pro.cost(shortPrompt), 1e-12);
    assertEquals(
        "exactly 200k is still the lower tier",
        200_000 * 1.25 / 1e6,
        pro.cost(Usage.of(200_000, 0)),
        1e-12);
    // A tier discount applies to the long-prompt prices: Gemini flex is half of them.
    assertEquals(pro.cost(longPrompt) / 2, pro.cost(longPrompt, "flex"), 1e-12);
    // Gemini 3 Pro: $4 / $18 above 200k.
    assertEquals(
        (250_000 * 4.0 + 1_000 * 18.0) / 1e6,
        registry.lookup("gemini-3-pro-preview").cost(Usage.of(250_000, 1_000)),
        1e-12);
    // Claude Sonnet 4.5 with the 1M context: the 200k counts cache reads and writes too, which
    // Anthropic reports apart from the input; above it, $6 / $22.50, reads $0.60, writes $7.50.
    ModelSpec sonnet = registry.lookup("claude-4.5-sonnet");
    Usage cached = new Usage(20_000, 1_000, 200_000, 30_000);
    assertEquals(
        (20_000 * 6.0 + 200_000 * 0.60 + 30_000 * 7.50 + 1_000 * 22.50) / 1e6,
        sonnet.cost(cached),
        1e-12);
    assertEquals(
        (20_000 * 3.0 + 100_000 * 0.30 + 1_000 * 15.0) / 1e6,
        sonnet.cost(new Usage(20_000, 1_000, 100_000, 0)),
        1e-12);
    // Models without a long-prompt tier price every length alike.
    ModelSpec flash = registry.lookup("gemini-2.5-flash");
    assertEquals(250_000 * 0.30 / 1e6, flash.cost(Usage.of(250_000, 0)), 1e-12);
  }

  @Test
  public void longPromptPricesAreReadFromCustomModels() throws Exception {
    Path custom = Files.createTempFile("models", ".yaml");
    Files.writeString(
        custom,
        "models:\n  - id: long\n    wire_format: gemini\n    api_base: http://x\n"
            + "    prices: {input: 1, output: 2, long_prompt: {above_tokens: 1000, input: 3,"
            + " output: 4}}\n");
    ModelSpec m = registry.withModelsFrom(custom).lookup("long");
    assertEquals(new LongPromptPrices(1000, new Prices(3, 4, null, null)), m.prices().longPrompt());
    assertEquals((1_001 * 3 + 10 * 4) / 1e6, m.cost(Usage.of(1_001, 10)), 1e-12);
    Files.writeString(
        custom,
        "models:\n  - id: bad\n    wire_format: gemini\n    api_base: http://x\n"
            + "    prices: {input: 1, output: 2, long_prompt: {input: 3, output: 4}}\n");
    try {
      registry.withModelsFrom(custom);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("\"long_prompt\" needs \"above_tokens\""));
    }
  }

  @Test
  public void claude46HasTheMillionTokenContextAtStandardPrices() {
    ModelSpec opus = registry.lookup("claude-4.6-opus");
    assertEquals("claude-opus-4-6", opus.apiName());
    assertEquals(1_000_000, opus.contextWindow());
    // No long-context premium: a 500k prompt costs the standard $5 / $25.
    assertEquals((500_000 * 5.0 + 1_000 * 25.0) / 1e6, opus.cost(Usage.of(500_000, 1_000)), 1e-12);
    ModelSpec sonnet = registry.lookup("claude-4.6-sonnet");
    assertEquals("claude-sonnet-4-6", sonnet.apiName());
    assertEquals(new Prices(3.0, 15.0, 0.3, 3.75), sonnet.prices());
  }

  @Test
  public void claude5ModelsCarryThePricesOfAnthropicsPricingPage() {
    // platform.claude.com pricing and model overview pages (model-sources.md, refresh r2).
    ModelSpec opus = registry.lookup("claude-opus-5-5");
    assertEquals("claude-5.5-opus", opus.id());
    assertEquals(new Prices(4.0, 20.0, 0.2, 5.0), opus.prices());
    assertEquals(128_000, opus.maxOutputTokens());
    assertEquals(new Prices(2.0, 10.0, 0.2, 2.5), registry.lookup("claude-sonnet-5").prices());
    assertEquals("claude-opus-4-8", registry.lookup("claude-4.8-opus").apiName());
    // Haiku 5.5 is priced by prompt length: $0.10 / $0.50 (reads $0.01, writes $0.125) up to
    // 100k prompt tokens, cache reads and writes counted; above, the whole request at
    // $0.50 / $2.50 (reads $0.05, writes $0.625).
    ModelSpec haiku = registry.lookup("claude-5.5-haiku");
    assertEquals(1_000_000, haiku.contextWindow());
    assertEquals(
        (50_000 * 0.10 + 40_000 * 0.01 + 1_000 * 0.50) / 1e6,
        haiku.cost(new Usage(50_000, 1_000, 40_000, 0)),
        1e-12);
    assertEquals(
        (50_000 * 0.50 + 40_000 * 0.05 + 20_000 * 0.625 + 1_000 * 2.50) / 1e6,
        haiku.cost(new Usage(50_000, 1_000, 40_000, 20_000)),
        1e-12);
  }

  @Test
  public void audioInputIsACapabilityWithItsOwnPrice() {
    // developers.openai.com/api/docs/models/gpt-4o-audio-preview and gpt-4o-mini-audio-preview.
    ModelSpec audio = registry.lookup("gpt-4o-audio-preview");
    assertTrue(audio.capabilities().audioInput());
    assertFalse("Responses API: not supported", audio.capabilities().responsesApi());
    assertEquals(2.5, audio.prices().input(), 0);
    assertEquals(40.0, audio.audioInputPrice(), 0);
    assertEquals(10.0, registry.lookup("gpt-4o-mini-audio-preview").audioInputPrice(), 0);
    assertEquals(1.0, registry.lookup("gemini-2.5-flash").audioInputPrice(), 0);
    assertTrue(registry.lookup("gemini-3-pro-preview").capabilities().audioInput());
    assertTrue(registry.lookup("voxtral-small-latest").capabilities().audioInput());
    for (String id : List.of("gpt-4o", "gpt-4.1-mini", "claude-3-haiku", "command-a")) {
      assertFalse(id, registry.lookup(id).capabilities().audioInput());
    }
    // Capabilities built by hand with the old constructor take no audio.
    assertFalse(
        new Capabilities(true, true, true, true, true, true, false, false, Set.of()).audioInput());
  }

  @Test
  public void isSerializableSoItTravelsInAPipeline() throws Exception {
    ModelRegistry custom = registry.withModelsFrom(TestData.file("custom-models.yaml"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(custom);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      ModelRegistry back = (ModelRegistry) in.readObject();
      assertEquals(custom.lookup("local-llama"), back.lookup("local-llama"));
      assertEquals(custom.size(), back.size());
    }
  }

  @Test
  public void embeddingAndRerankModelsSayWhatTheyAre() {
    assertEquals(ModelKind.CHAT, registry.lookup("gpt-4.1-mini").kind());
    assertEquals(0, registry.lookup("gpt-4.1-mini").dimensions());
    String[][] embedding = {
      {"text-embedding-3-small", "1536"},
      {"text-embedding-3-large", "3072"},
      {"text-embedding-ada-002", "1536"},
      {"gemini-embedding-001", "3072"},
      {"mistral-embed", "1024"},
      {"embed-v4.0", "1536"},
      {"embed-english-v3.0", "1024"},
      {"azure-text-embedding-3-small", "1536"},
      {"amazon.titan-embed-text-v2:0", "1024"},
      {"cohere.embed-english-v3", "1024"},
      {"cohere.embed-multilingual-v3", "1024"},
    };
    for (String[] e : embedding) {
      ModelSpec m = registry.lookup(e[0]);
      assertEquals(e[0], ModelKind.EMBEDDING, m.kind());
      assertEquals(e[0], Integer.parseInt(e[1]), m.dimensions());
      assertEquals(e[0], 0, m.maxOutputTokens());
    }
    // aws.amazon.com/bedrock/pricing: Titan Text Embeddings V2 $0.00002 and Cohere Embed $0.0001
    // per 1,000 input tokens.
    assertEquals(0.02, registry.lookup("bedrock-titan-embed-text-v2").prices().input(), 1e-12);
    assertEquals(0.10, registry.lookup("bedrock-cohere-embed-english-v3").prices().input(), 1e-12);
    assertEquals(
        WireFormat.BEDROCK_CONVERSE, registry.lookup("bedrock-titan-embed-text-v2").wireFormat());
    // cohere.com/pricing: Rerank 3.5 $2.00 per 1,000 searches, no token price.
    ModelSpec rerank = registry.lookup("rerank-v3.5");
    assertEquals(ModelKind.RERANK, rerank.kind());
    assertEquals(2.0, rerank.searchPrice(), 1e-12);
    assertEquals(0.0, rerank.prices().input(), 1e-12);
    // docs.voyageai.com/docs/pricing: rerank-2.5 $0.05 per million tokens billed.
    assertEquals(0.05, registry.lookup("rerank-2.5").prices().input(), 1e-12);
    assertEquals(WireFormat.VOYAGE, registry.lookup("rerank-2.5").wireFormat());
    assertEquals(1024, registry.lookup("voyage-3.5").dimensions());
    assertEquals(WireFormat.JINA, registry.lookup("jina-embeddings-v3").wireFormat());
    for (ModelSpec m : registry.models()) {
      assertEquals(m.id(), m.kind() == ModelKind.EMBEDDING, m.dimensions() > 0);
      // A rerank model is priced by the search (Cohere) or by the token (Voyage, Jina), not both.
      assertEquals(
          m.id(),
          m.kind() == ModelKind.RERANK,
          m.searchPrice() > 0 || (m.kind() == ModelKind.RERANK && m.prices().input() > 0));
      assertEquals(m.id(), false, m.searchPrice() > 0 && m.prices().input() > 0);
      // A transcription model is billed by the minute or the audio token; a chat model carries an
      // audio price only when it takes audio in a conversation.
      assertEquals(
          m.id(),
          m.kind() == ModelKind.TRANSCRIPTION,
          m.minutePrice() > 0 || (m.audioInputPrice() > 0 && !m.capabilities().audioInput()));
    }
  }

  @Test
  public void transcriptionModelsCarryTheirAudioPrices() {
    // platform.openai.com/docs/pricing: Whisper $0.006 per minute; gpt-4o-transcribe $2.50 text
    // input, $6.00 audio input, $10.00 output per 1M tokens; the mini $1.25 / $3.00 / $5.00.
    ModelSpec whisper = registry.lookup("whisper-1");
    assertEquals(ModelKind.TRANSCRIPTION, whisper.kind());
    assertEquals(0.006, whisper.minutePrice(), 1e-12);
    assertEquals(0.0, whisper.audioInputPrice(), 1e-12);
    assertEquals(0.0, whisper.prices().input(), 1e-12);
    ModelSpec gpt = registry.lookup("gpt-4o-transcribe");
    assertEquals(ModelKind.TRANSCRIPTION, gpt.kind());
    assertEquals(6.0, gpt.audioInputPrice(), 1e-12);
    assertEquals(2.5, gpt.prices().input(), 1e-12);
    assertEquals(10.0, gpt.prices().output(), 1e-12);
    assertEquals(0.0, gpt.minutePrice(), 1e-12);
    ModelSpec mini = registry.lookup("gpt-4o-mini-transcribe");
    assertEquals(3.0, mini.audioInputPrice(), 1e-12);
    assertEquals(1.25, mini.prices().input(), 1e-12);
    assertEquals(5.0, mini.prices().output(), 1e-12);
    assertEquals(WireFormat.OPENAI, mini.wireFormat());
  }

  @Test
  public void aCustomModelMayBeAnEmbeddingModelAndAnUnknownKindIsRefused() {
    ModelSpec custom =
        ModelSpecJson.read(
            Json.parse(
                "{\"id\": \"local-embed\", \"wire_format\": \"openai\","
                    + " \"api_base\": \"http://localhost:8000/v1\", \"kind\": \"Embedding\","
                    + " \"dimensions\": 384}"),
            false);
    assertEquals(ModelKind.EMBEDDING, custom.kind());
    assertEquals(384, custom.dimensions());
    try {
      ModelSpecJson.read(
          Json.parse(
              "{\"id\": \"x\", \"wire_format\": \"openai\", \"api_base\": \"http://x\","
                  + " \"kind\": \"image\"}"),
          false);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown model kind 'image'"));
    }
  }
}
