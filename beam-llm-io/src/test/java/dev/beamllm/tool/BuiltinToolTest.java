package dev.beamllm.tool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.CacheKeys;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import java.util.List;
import org.junit.Test;

/**
 * The providers' own tools as configuration: each setting checked when it is set, the JSON form
 * round-trips, the tool and its settings are part of the cache key, and a tool set offers them
 * without running them.
 */
public class BuiltinToolTest {
  @Test
  public void webSearchSettingsAreCheckedAtOnce() {
    WebSearch allowed = WebSearch.defaults().withAllowedDomains(List.of("example.com"));
    assertEquals(
        "web search takes allowed domains or blocked domains, not both",
        assertThrows(
                IllegalArgumentException.class,
                () -> allowed.withBlockedDomains(List.of("spam.example")))
            .getMessage());
    assertEquals(
        "a web search domain is a host name such as example.com (no scheme), not"
            + " 'https://example.com'",
        assertThrows(
                IllegalArgumentException.class,
                () -> WebSearch.defaults().withAllowedDomains(List.of("https://example.com")))
            .getMessage());
    assertEquals(
        "web search maxUses must be at least 1, not 0",
        assertThrows(IllegalArgumentException.class, () -> WebSearch.defaults().withMaxUses(0))
            .getMessage());
    assertEquals(
        "the country must be a two-letter ISO 3166-1 code such as US, not 'France'",
        assertThrows(
                IllegalArgumentException.class,
                () -> new WebSearch.UserLocation(null, null, "France", null))
            .getMessage());
  }

  @Test
  public void codeInterpreterSettingsAreCheckedAtOnce() {
    assertEquals(
        "the code interpreter's memory limit is one of [1g, 4g, 16g, 64g], not '2g'",
        assertThrows(
                IllegalArgumentException.class,
                () -> CodeInterpreter.defaults().withMemoryLimit("2g"))
            .getMessage());
    CodeInterpreter inContainer = CodeInterpreter.defaults().withContainerId("cntr_1");
    assertThrows(IllegalArgumentException.class, () -> inContainer.withMemoryLimit("4g"));
    assertThrows(
        IllegalArgumentException.class,
        () -> CodeInterpreter.defaults().withFileIds(List.of("f")).withContainerId("cntr_1"));
    assertThrows(
        IllegalArgumentException.class, () -> CodeInterpreter.defaults().withContainerId("../etc"));
  }

  @Test
  public void theJsonFormRoundTrips() {
    List<BuiltinTool> tools =
        List.of(
            WebSearch.defaults(),
            WebSearch.defaults()
                .withMaxUses(4)
                .withAllowedDomains(List.of("a.example", "b.example"))
                .withUserLocation(new WebSearch.UserLocation("Oslo", "Oslo", "NO", "Europe/Oslo"))
                .withContextSize(WebSearch.ContextSize.HIGH)
                .withAnthropicVersion(WebSearch.AnthropicVersion.WEB_SEARCH_20260209),
            CodeInterpreter.defaults().withMemoryLimit("16g").withFileIds(List.of("file-1")),
            CodeInterpreter.defaults().withContainerId("cntr_7"),
            AnthropicDefinedTool.BASH,
            AnthropicDefinedTool.TEXT_EDITOR);
    for (BuiltinTool t : tools) {
      assertEquals(t.toJson(), t, BuiltinTool.fromJson(t.toJson()));
    }
    assertThrows(IllegalArgumentException.class, () -> BuiltinTool.fromJson("{\"kind\":\"x\"}"));
  }

  @Test
  public void aToolIsOneKindAndAProviderToolIsNeverStrict() {
    Tool search = Tool.webSearch();
    assertEquals(WebSearch.KIND, search.name());
    assertTrue(search.runsOnProvider());
    assertThrows(IllegalArgumentException.class, () -> search.withStrict(true));
    assertThrows(
        IllegalArgumentException.class, () -> search.withBuiltin(AnthropicDefinedTool.BASH));
    Tool bash = Tool.of("bash", "Runs.", null).withBuiltin(AnthropicDefinedTool.BASH);
    assertFalse(bash.runsOnProvider());
    assertEquals(Tool.of("bash", "Runs.", null).parametersJson(), bash.parametersJson());
  }

  @Test
  public void theToolsAndTheirSettingsArePartOfTheCacheKey() {
    Conversation c = Conversation.user("What is new in Beam?");
    List<String> models = List.of("gpt-4.1");
    String none = CacheKeys.of(c, models, SamplingParams.defaults(), List.of());
    String search = CacheKeys.of(c, models, SamplingParams.defaults(), List.of(Tool.webSearch()));
    String narrower =
        CacheKeys.of(
            c,
            models,
            SamplingParams.defaults(),
            List.of(Tool.webSearch(WebSearch.defaults().withMaxUses(1))));
    assertNotEquals(none, search);
    assertNotEquals(search, narrower);
    assertEquals(
        search, CacheKeys.of(c, models, SamplingParams.defaults(), List.of(Tool.webSearch())));
  }

  @Test
  public void aToolSetOffersAProviderToolWithoutRunningIt() throws Exception {
    ToolSet set = ToolSet.of(Tools.onProvider(Tool.webSearch()));
    assertEquals(List.of(Tool.webSearch()), set.definitions());
    ToolOutput out = set.get(WebSearch.KIND).orElseThrow().call("{}").get();
    assertTrue(out.isError());
    assertEquals(
        "'web_search' is the provider's web search, which runs on the provider's side; it cannot"
            + " be called here",
        ((dev.beamllm.prompt.Text) out.content().get(0)).text());
    assertThrows(
        IllegalArgumentException.class, () -> Tools.onProvider(Tool.of("lookup", "Looks.", null)));
  }
}
