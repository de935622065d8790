package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A client with a SQLite cache answers a second run from the file, without sending. */
public class SqliteCacheClientTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aSecondRunOverTheSamePromptsSendsNothing() {
    Path file = tmp.getRoot().toPath().resolve("answers.db");
    List<Conversation> prompts =
        List.of(
            Conversation.user("What is 2 + 2?").withId("a"),
            Conversation.system("Be terse.").add(Message.user("Name a colour.")).withId("b"),
            Conversation.user("Say hello.").withId("c"));
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<ApiResponse> first = run(fake, file, prompts);
      assertEquals(prompts.size(), fake.stats().received());
      fake.reset();
      List<ApiResponse> second = run(fake, file, prompts);
      assertEquals("the second run is answered from the file", 0, fake.stats().received());
      for (int i = 0; i < prompts.size(); i++) {
        assertFalse(first.get(i).isError());
        assertFalse(first.get(i).cacheHit());
        assertTrue(second.get(i).cacheHit());
        assertEquals(first.get(i).toBuilder().setCacheHit(true).build(), second.get(i));
      }
    }
  }

  private static List<ApiResponse> run(
      FakeProviderServer fake, Path file, List<Conversation> prompts) {
    try (LlmClient client =
        ClientTestSupport.client(fake, "gpt-4.1-mini")
            .cache(ResponseCache.sqlite(file))
            .keepRawBody(true)
            .build()) {
      return client.processPrompts(prompts);
    }
  }
}
