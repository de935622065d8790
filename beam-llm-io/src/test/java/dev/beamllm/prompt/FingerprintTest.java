package dev.beamllm.prompt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import org.junit.Test;

/** Fingerprints are stable, see image bytes not their source, and ignore id and metadata. */
public class FingerprintTest {

  @Test
  public void isPinnedSoCacheKeysSurviveReleases() {
    // Changing this value invalidates every user's cache: do it only with a version bump.
    assertEquals(
        "db783af2ac6a769609d800ac378df6d442f573cab6070e522d825ae0d67b5efe",
        Conversation.user("What is the capital of France?").fingerprint());
    assertEquals(
        Conversation.system("s").addUser("u").fingerprint(),
        Conversation.fromJson(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"u\"}]}")
            .fingerprint());
  }

  @Test
  public void imagesCountByTheirBytesNotTheirSource() throws Exception {
    byte[] png = Files.readAllBytes(TestData.file("images/red-square.png"));
    Conversation byPath =
        Conversation.of(Message.user("x").addImage(TestData.file("images/red-square.png")));
    Conversation byBase64 =
        Conversation.of(
            Message.user("x").addImage(Image.fromBase64(Base64.getEncoder().encodeToString(png))));
    assertEquals(byPath.fingerprint(), byBase64.fingerprint());
    Conversation other =
        Conversation.of(Message.user("x").addImage(TestData.file("images/photo.jpg")));
    assertNotEquals(byPath.fingerprint(), other.fingerprint());
    Conversation lowDetail =
        Conversation.of(
            Message.user("x").addImage(Image.fromBytes(png).withDetail(Image.Detail.LOW)));
    assertNotEquals(byPath.fingerprint(), lowDetail.fingerprint());
  }

  @Test
  public void idAndMetadataDoNotCountButContentDoes() {
    Conversation c = Conversation.user("hello");
    assertEquals(c.fingerprint(), c.withId("row-1").withMetadata(Map.of("a", 1)).fingerprint());
    assertNotEquals(c.fingerprint(), Conversation.user("hello!").fingerprint());
    assertNotEquals(c.fingerprint(), Conversation.system("hello").addUser("hello").fingerprint());
  }

  @Test
  public void toolArgumentsAreCanonical() {
    Conversation a =
        Conversation.user("q")
            .add(Message.assistant().addToolCall("c", "f", "{\"b\": 2, \"a\": 1}"));
    Conversation b =
        Conversation.user("q").add(Message.assistant().addToolCall("c", "f", "{\"a\":1,\"b\":2}"));
    assertEquals(a.fingerprint(), b.fingerprint());
  }
}
