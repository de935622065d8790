package dev.beamllm.prompt;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.UnknownModelException;
import dev.beamllm.provider.WireFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.Test;

/** Bad input fails with an exception that names the problem and where it is. */
public class BadInputTest {

  static InvalidPromptException expect(Runnable r) {
    try {
      r.run();
    } catch (InvalidPromptException e) {
      return e;
    }
    fail("expected an InvalidPromptException");
    return null;
  }

  @Test
  public void missingImageFileNamesThePath() {
    InvalidPromptException e =
        expect(() -> Message.user("x").addImage(Path.of("/nowhere/cat.png")));
    assertThat(e.getMessage(), containsString("image file not found: /nowhere/cat.png"));
  }

  @Test
  public void missingImageInJsonNamesMessageAndPart() {
    InvalidPromptException e =
        expect(
            () ->
                Conversation.fromJson(
                    "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"image\",\"path\":\"/nowhere/cat.png\"}]}]}"));
    assertThat(
        e.getMessage(),
        containsString("message 2: part 2: image file not found: /nowhere/cat.png"));
  }

  @Test
  public void unknownMediaTypeComesFromBytesNotTheName() throws Exception {
    Path fake = Files.createTempFile("not-really", ".png");
    Files.writeString(fake, "hello, I am text");
    InvalidPromptException e = expect(() -> Image.fromPath(fake));
    assertThat(e.getMessage(), containsString("unknown image media type for " + fake));
    assertThat(e.getMessage(), containsString("first bytes 68656c6c6f2c2049"));

    Path pngNamedJpg = Files.createTempFile("really-a-png", ".jpg");
    Files.copy(
        TestData.file("images/red-square.png"), pngNamedJpg, StandardCopyOption.REPLACE_EXISTING);
    assertEquals("image/png", Image.fromPath(pngNamedJpg).mediaType().orElseThrow());
  }

  @Test
  public void unknownDocumentMediaType() {
    InvalidPromptException e =
        expect(() -> File.fromBytes(new byte[] {0, 1, 2, (byte) 0xff}, "blob.bin"));
    assertThat(e.getMessage(), containsString("unknown document media type for blob.bin"));
  }

  @Test
  public void emptyConversation() {
    assertThat(
        expect(() -> Conversation.of(List.of()).validate()).getMessage(),
        containsString("conversation is empty"));
    assertThat(
        expect(() -> Conversation.system("only a system prompt").validate()).getMessage(),
        containsString("only system messages"));
    assertThat(
        expect(() -> Conversation.of(Message.user()).validate()).getMessage(),
        containsString("message 1 (user) has no content"));
    assertThat(
        expect(() -> Conversation.fromJson("{\"messages\":[]}")).getMessage(),
        containsString("conversation is empty"));
  }

  @Test
  public void toolResultWithoutMatchingCall() {
    Conversation c =
        Conversation.user("weather?")
            .add(Message.assistant().addToolCall("call_1", "get_weather", "{}"))
            .add(Message.toolResult("call_2", "sunny"));
    InvalidPromptException e = expect(c::validate);
    assertThat(
        e.getMessage(),
        containsString(
            "message 3 (tool), part 1: tool result for call 'call_2' has no matching tool call"));
    // The providers' formats refuse it too, before anything is sent.
    expect(() -> WireFormats.anthropic(c));
  }

  @Test
  public void partsInTheWrongRole() {
    InvalidPromptException e =
        expect(
            () ->
                Conversation.user("x").add(Message.user().addToolCall("c", "f", "{}")).validate());
    assertThat(
        e.getMessage(),
        containsString("message 2 (user), part 1: a user message cannot hold a tool_call part"));
  }

  @Test
  public void toolCallArgumentsMustBeAJsonObject() {
    assertThat(
        expect(() -> new ToolCall("c1", "f", "[1,2]")).getMessage(),
        containsString("tool call 'c1' arguments must be a JSON object"));
    assertThat(
        expect(() -> new ToolCall("c1", "f", "{oops")).getMessage(),
        containsString("tool call 'c1' has arguments that are not valid JSON"));
  }

  @Test
  public void unknownModelIdSuggestsCloseOnes() {
    try {
      ModelRegistry.defaults().lookup("gpt-4.1-mni");
      fail();
    } catch (UnknownModelException e) {
      assertThat(e.getMessage(), containsString("unknown model 'gpt-4.1-mni'"));
      assertThat(e.getMessage(), containsString("did you mean gpt-4.1-mini"));
    }
  }

  @Test
  public void malformedJsonlLinesAreReportedByLineNumberAndGoodRowsStillCount() {
    List<PromptRows.Line> lines = PromptRows.read(TestData.file("bad-prompts.jsonl"));
    assertEquals(8, lines.size());
    for (int n : new int[] {1, 4, 8}) {
      assertTrue("line " + n + " is good", lines.get(n - 1) instanceof PromptRows.Row);
    }
    PromptRows.BadRow malformed = (PromptRows.BadRow) lines.get(1);
    assertEquals(2, malformed.lineNumber());
    assertEquals("line-2", malformed.id());
    assertThat(malformed.reason(), containsString("malformed JSON"));

    PromptRows.BadRow missing = (PromptRows.BadRow) lines.get(2);
    assertEquals("b2", missing.id());
    assertThat(missing.reason(), containsString("message 1: part 2: image file not found"));
    assertThat(missing.reason(), containsString("images/missing.png"));

    assertThat(
        ((PromptRows.BadRow) lines.get(4)).reason(), containsString("conversation is empty"));
    assertThat(
        ((PromptRows.BadRow) lines.get(5)).reason(),
        containsString("tool result for call 'call_99' has no matching tool call"));
    assertThat(
        ((PromptRows.BadRow) lines.get(6)).reason(),
        containsString("neither \"prompt\" nor \"messages\""));
  }

  @Test
  public void aRowsPreferredModelAndServiceTierMustBeText() {
    PromptRows.Line ok =
        PromptRows.parse(
            "{\"prompt\":\"x\",\"prefer_model\":\" gpt-4.1-nano \",\"service_tier\":\"flex\"}",
            1,
            Path.of("."));
    assertEquals("gpt-4.1-nano", ((PromptRows.Row) ok).preferModel());
    assertEquals("flex", ((PromptRows.Row) ok).serviceTier());
    PromptRows.Line blank =
        PromptRows.parse("{\"prompt\":\"x\",\"service_tier\":\" \"}", 2, Path.of("."));
    assertEquals(
        "\"service_tier\" must be a non-empty string", ((PromptRows.BadRow) blank).reason());
    PromptRows.Line number =
        PromptRows.parse("{\"prompt\":\"x\",\"prefer_model\":4}", 3, Path.of("."));
    assertEquals(
        "\"prefer_model\" must be a non-empty string", ((PromptRows.BadRow) number).reason());
  }
}
