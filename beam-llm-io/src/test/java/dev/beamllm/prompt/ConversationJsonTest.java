package dev.beamllm.prompt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The project's JSON form reads back what it wrote, in both modes, for every shape of conversation.
 */
public class ConversationJsonTest {

  @Test
  public void everyGoldenConversationRoundTripsInBothModes() throws Exception {
    Map<String, Conversation> all = GoldenConversations.all();
    for (Map.Entry<String, Conversation> e : all.entrySet()) {
      Conversation c =
          e.getValue().withId("id-" + e.getKey()).withMetadata(Map.of("k", 1, "s", "v"));
      for (ConversationJson.Mode mode :
          List.of(ConversationJson.Mode.REFERENCE, ConversationJson.Mode.EMBEDDED)) {
        String json = Json.write(ConversationJson.toTree(c, mode));
        assertEquals(e.getKey() + " in " + mode, c, Conversation.fromJson(json));
      }
    }
  }

  @Test
  public void responsesItemIdsAreKeptAsItemIdAndOnlyWhenThere() {
    Conversation c =
        Conversation.user("Weather?")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        new ToolCall("call_1", "get_weather", "{}", "fc_1"),
                        new Text("Checking.", "msg_1"),
                        new Text("plain"))));
    JsonNode content = Json.parse(c.toJson()).at("/messages/1/content");
    assertEquals("fc_1", content.at("/0/item_id").asText());
    assertEquals("msg_1", content.at("/1/item_id").asText());
    assertTrue("no item id, no field", content.get(2).path("item_id").isMissingNode());
    Conversation back = Conversation.fromJson(c.toJson());
    assertEquals(c, back);
    assertEquals("fc_1", ((ToolCall) back.messages().get(1).parts().get(0)).itemId());
    assertNotEquals(
        "the item id is part of what is sent, so of the fingerprint",
        c.fingerprint(),
        Conversation.user("Weather?")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        ToolCall.of("call_1", "get_weather", "{}"),
                        new Text("Checking."),
                        new Text("plain"))))
            .fingerprint());
  }

  @Test
  public void everyRowOfThePromptsFileRoundTrips() {
    List<PromptRows.Line> lines = PromptRows.read(TestData.file("prompts.jsonl"));
    assertTrue("at least 50 rows", lines.size() >= 50);
    for (PromptRows.Line line : lines) {
      assertTrue("line " + line.lineNumber() + " is good: " + line, line instanceof PromptRows.Row);
      Conversation c = ((PromptRows.Row) line).conversation();
      assertEquals(line.id(), c, Conversation.fromJson(c.toJson()));
    }
  }

  @Test
  public void referenceModeKeepsPathsAndEmbeddedModeCarriesBytes() throws Exception {
    Conversation c =
        Conversation.of(Message.user("look").addImage(TestData.file("images/photo.jpg")));
    JsonNode ref = Json.parse(c.toJson()).at("/messages/0/content/1");
    assertEquals("image", ref.get("type").asText());
    assertTrue(ref.get("path").asText().endsWith("photo.jpg"));
    assertTrue("no bytes in reference mode", ref.get("data") == null);

    JsonNode embedded =
        ConversationJson.toTree(c, ConversationJson.Mode.EMBEDDED).at("/messages/0/content/1");
    byte[] bytes = Files.readAllBytes(TestData.file("images/photo.jpg"));
    assertEquals(Base64.getEncoder().encodeToString(bytes), embedded.get("data").asText());
    assertEquals("image/jpeg", embedded.get("media_type").asText());
  }

  @Test
  public void theFormIsVersioned() {
    JsonNode tree =
        ConversationJson.toTree(Conversation.user("hi"), ConversationJson.Mode.REFERENCE);
    assertEquals(ConversationJson.VERSION, tree.get("v").asInt());
    InvalidPromptException e =
        BadInputTest.expect(
            () ->
                Conversation.fromJson(
                    "{\"v\":99,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    assertTrue(e.getMessage(), e.getMessage().contains("version 99"));
  }

  @Test
  public void stringContentIsShorthandForOneTextPart() {
    Conversation shorthand =
        Conversation.fromJson("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    Conversation full =
        Conversation.fromJson(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
    assertEquals(full, shorthand);
    assertEquals(Conversation.user("hi"), shorthand);
  }

  @Test
  public void imagesAreResizedWhenAskedWithMaxSide() {
    String json =
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":\""
            + TestData.file("images/photo.jpg")
            + "\",\"max_side\":60}]}]}";
    Image image = (Image) Conversation.fromJson(json).messages().get(0).parts().get(0);
    assertEquals(60, image.dimensions().orElseThrow()[0]);
    assertEquals(40, image.dimensions().orElseThrow()[1]);
    assertEquals("image/jpeg", image.mediaType().orElseThrow());
    assertNotEquals(Image.Origin.PATH, image.origin());
  }
}
