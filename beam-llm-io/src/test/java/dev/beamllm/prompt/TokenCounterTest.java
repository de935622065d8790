package dev.beamllm.prompt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.TokenCounter.ImageRule;
import org.junit.Test;

/** Text by a real tokenizer; images by each provider's documented formula. */
public class TokenCounterTest {

  @Test
  public void textIsCountedByTheTokenizerNotByCharacters() {
    assertEquals(2, TokenCounter.count("Hello world"));
    assertEquals(0, TokenCounter.count(""));
    String repeated = "token ".repeat(1000);
    // characters/4 would say 1500; BPE merges " token" into one token each.
    assertEquals(1000, TokenCounter.count(repeated), 1);
    assertTrue(TokenCounter.count("日本語のテキスト") > 0);
    assertEquals(TokenCounter.count("Hello world", TokenCounter.Tokenizer.CL100K), 2);
  }

  @Test
  public void openAiTilesFollowTheDocumentedExamples() {
    // platform.openai.com/docs/guides/images-vision: 1024x1024 high = 765; 2048x4096 high = 1105;
    // low = 85.
    assertEquals(765, TokenCounter.imageTokens(1024, 1024, Image.Detail.HIGH, ImageRule.OPENAI));
    assertEquals(1105, TokenCounter.imageTokens(2048, 4096, Image.Detail.HIGH, ImageRule.OPENAI));
    assertEquals(85, TokenCounter.imageTokens(4096, 4096, Image.Detail.LOW, ImageRule.OPENAI));
    assertEquals(255, TokenCounter.imageTokens(64, 48, Image.Detail.AUTO, ImageRule.OPENAI));
  }

  @Test
  public void anthropicIsPixelsOver750WithTheLongSideCapped() {
    // docs.anthropic.com vision guide: 1000x1000 is about 1334 tokens; 1092x1092 about 1590.
    assertEquals(
        1334, TokenCounter.imageTokens(1000, 1000, Image.Detail.AUTO, ImageRule.ANTHROPIC));
    assertEquals(
        1590, TokenCounter.imageTokens(1092, 1092, Image.Detail.AUTO, ImageRule.ANTHROPIC));
    assertEquals(
        TokenCounter.imageTokens(1568, 784, Image.Detail.AUTO, ImageRule.ANTHROPIC),
        TokenCounter.imageTokens(3136, 1568, Image.Detail.AUTO, ImageRule.ANTHROPIC));
  }

  @Test
  public void geminiIs258PerTile() {
    assertEquals(258, TokenCounter.imageTokens(384, 384, Image.Detail.AUTO, ImageRule.GEMINI));
    assertEquals(
        4 * 258, TokenCounter.imageTokens(1024, 1024, Image.Detail.AUTO, ImageRule.GEMINI));
  }

  @Test
  public void conversationsAddMessagesImagesAndPdfPages() {
    Conversation text = Conversation.user("Hello world");
    assertEquals(3 + 3 + 2, TokenCounter.estimate(text, ImageRule.OPENAI));
    Conversation withImage =
        Conversation.of(
            Message.user("Hello world").addImage(TestData.file("images/red-square.png")));
    assertEquals(3 + 3 + 2 + 255, TokenCounter.estimate(withImage, ImageRule.OPENAI));
    assertEquals(3 + 3 + 2 + 5, TokenCounter.estimate(withImage, ImageRule.ANTHROPIC));
    Conversation pdf =
        Conversation.of(Message.user("Hello world").addFile(TestData.file("docs/sample.pdf")));
    long pdfTokens = TokenCounter.estimate(pdf, ImageRule.GEMINI) - (3 + 3 + 2);
    long textTokens =
        TokenCounter.count(
            File.fromPath(TestData.file("docs/sample.pdf")).pdfStats().orElseThrow().text());
    assertEquals(2 * 258 + textTokens, pdfTokens);
  }
}
