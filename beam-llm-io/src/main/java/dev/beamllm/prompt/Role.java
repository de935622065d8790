package dev.beamllm.prompt;

import java.util.Locale;

/** Who speaks a {@link Message}. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  /** Carries the results of tool calls made by the assistant in the previous turn. */
  TOOL;

  /** The lowercase name used in the project's JSON form and by most providers. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a role name case-insensitively; {@code developer} is read as {@link #SYSTEM}. */
  public static Role parse(String name) {
    if (name == null) {
      throw new InvalidPromptException("message has no role");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("developer")) {
      return SYSTEM;
    }
    for (Role role : values()) {
      if (role.wireName().equals(lower)) {
        return role;
      }
    }
    throw new InvalidPromptException(
        "unknown role '" + name + "' (expected system, user, assistant or tool)");
  }
}
