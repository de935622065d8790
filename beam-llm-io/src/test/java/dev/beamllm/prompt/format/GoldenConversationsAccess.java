package dev.beamllm.prompt.format;

import dev.beamllm.prompt.Conversation;
import java.io.IOException;
import java.util.Map;

/** Lets tests in other packages use the golden conversations. */
public final class GoldenConversationsAccess {
  private GoldenConversationsAccess() {}

  /** The golden conversations by name. */
  public static Map<String, Conversation> all() throws IOException {
    return GoldenConversations.all();
  }
}
