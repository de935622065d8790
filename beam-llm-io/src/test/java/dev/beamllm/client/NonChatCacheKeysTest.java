package dev.beamllm.client;

import static org.junit.Assert.assertEquals;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.EmbeddingRequest;
import java.util.List;
import org.junit.Test;

/**
 * The cache keys of embeddings, rankings and transcripts stay what they were (values taken from the
 * dispatchers of fc9c53f): a changed key would make every stored result of an older job a miss,
 * paid again.
 */
public class NonChatCacheKeysTest {
  private static final ModelRegistry REGISTRY = ModelRegistry.defaults();

  @Test
  public void embeddingKeys() {
    ModelSpec spec = REGISTRY.lookup("text-embedding-3-small");
    String text = "héllo \"world\"";
    assertEquals(
        "embedding:b5dac002969d9cf9f71c34583671e2f42cc7d83f5b06d1663549c149202115cd",
        EmbedDispatch.key(spec, EmbedSettings.of("x"), text));
    EmbedSettings set =
        EmbedSettings.of("x")
            .withDimensions(256)
            .withInputType(EmbeddingRequest.InputType.values()[0]);
    assertEquals(
        "embedding:179435068073f6786a70768a473657ee454c1153eb1e4baf5e773a534f992dca",
        EmbedDispatch.key(spec, set, text));
  }

  @Test
  public void rankingKeys() {
    ModelSpec spec = REGISTRY.lookup("rerank-v3.5");
    RerankQuery q = new RerankQuery("q", "what?", List.of("a", "b ü"));
    assertEquals(
        "rerank:a51e00a62169cb8c649adfce9e170a04b47d3eefd0108c333a1982d535328736",
        RerankDispatch.key(spec, RerankSettings.of("x"), q));
    assertEquals(
        "rerank:74ebb10c3fd477931da6688e4fec498c30664dd593af5ed2821dd50cabb74830",
        RerankDispatch.key(spec, RerankSettings.of("x").withTopN(1), q));
  }

  @Test
  public void transcriptionKeys() {
    ModelSpec spec = REGISTRY.lookup("whisper-1");
    byte[] audio = {1, 2, 3, 4};
    assertEquals(
        "transcription:0aa98eea5ede48acaa17e75f0c6a6f68aa35eade88982bd5f89053660143edb9",
        TranscribeDispatch.key(spec, TranscribeSettings.of("x"), audio));
    TranscribeSettings set =
        TranscribeSettings.of("x").withLanguage("en").withPrompt("p").withTemperature(0.2);
    assertEquals(
        "transcription:cc65752d7ac1ca4732ac6ed5fd419b8e2ae6e51e123c5a64f1141c9183a71741",
        TranscribeDispatch.key(spec, set, audio));
  }
}
