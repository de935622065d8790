package dev.beamllm.model;

import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where a request marks its prompt for the provider's prompt cache, for the APIs that cache only
 * what is marked: Anthropic ({@code cache_control} on blocks, also Claude on Bedrock's {@code
 * invoke}) and Bedrock Converse ({@code cachePoint} blocks). A cached prefix is billed at a tenth
 * of the input price when read and at 1.25 times (5 minutes) or twice (1 hour) when written, so a
 * prompt prefix shared by many requests (a long system prompt, the tools, an agent's earlier turns)
 * costs far less. OpenAI and Gemini cache on their own; they are sent nothing; nor is a Bedrock
 * Converse model that does not cache. At most four marks per request, as Anthropic allows. The
 * patterns are lm-deluge's; {@link Pattern#AUTO} picks them from the conversation. Immutable.
 */
@AutoValue
@SerializableAutoValue
public abstract class PromptCache implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What is marked. */
  public enum Pattern {
    /** Nothing: the provider caches nothing (the default). */
    NONE,
    /** The tool definitions (the last one ends the cached prefix). */
    TOOLS_ONLY,
    /** The tools and the system prompt. */
    SYSTEM_AND_TOOLS,
    /** The last user turn (tool results included), so the next turn reads everything before. */
    LAST_USER_MESSAGE,
    /** The last two user turns. */
    LAST_2_USER_MESSAGES,
    /** The last three user turns. */
    LAST_3_USER_MESSAGES,
    /**
     * The tools and the system prompt, which rows of a job share; and, in an agent's turn (the
     * conversation ends with tool results), that last turn, which the next turn reads. A row's own
     * question is not marked: it would be written at a premium and never read.
     */
    AUTO;

    /** The name in flags and YAML: {@code system_and_tools}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How long a cached prefix lives after its last use. */
  public enum Ttl {
    /** Five minutes (the default), written at 1.25 times the input price. */
    FIVE_MINUTES("5m"),
    /** One hour, written at twice the input price: for jobs with pauses longer than 5 minutes. */
    ONE_HOUR("1h");

    private final String wireName;

    Ttl(String wireName) {
      this.wireName = wireName;
    }

    /** {@code 5m} or {@code 1h}, as Anthropic and Bedrock take it. */
    public String wireName() {
      return wireName;
    }
  }

  /** What is marked. */
  public abstract Pattern pattern();

  /** How long the marked prefixes live. */
  public abstract Ttl ttl();

  /** No prompt caching. */
  public static PromptCache none() {
    return of(Pattern.NONE);
  }

  /** This pattern, for five minutes. */
  public static PromptCache of(Pattern pattern) {
    return new AutoValue_PromptCache(Objects.requireNonNull(pattern, "pattern"), Ttl.FIVE_MINUTES);
  }

  /** The same marks, living this long. */
  public PromptCache withTtl(Ttl ttl) {
    return new AutoValue_PromptCache(pattern(), Objects.requireNonNull(ttl, "ttl"));
  }

  /** Whether anything is marked. */
  public boolean isOn() {
    return pattern() != Pattern.NONE;
  }

  /** Whether the tool definitions are marked. */
  public boolean marksTools() {
    return pattern() == Pattern.TOOLS_ONLY
        || pattern() == Pattern.SYSTEM_AND_TOOLS
        || pattern() == Pattern.AUTO;
  }

  /** Whether the system prompt is marked. */
  public boolean marksSystem() {
    return pattern() == Pattern.SYSTEM_AND_TOOLS || pattern() == Pattern.AUTO;
  }

  /**
   * How many of the last user turns are marked.
   *
   * @param agentTurn whether the conversation ends with tool results (an agent's turn)
   */
  public int userTurnsMarked(boolean agentTurn) {
    return switch (pattern()) {
      case LAST_USER_MESSAGE -> 1;
      case LAST_2_USER_MESSAGES -> 2;
      case LAST_3_USER_MESSAGES -> 3;
      case AUTO -> agentTurn ? 1 : 0;
      default -> 0;
    };
  }

  /**
   * The setting from its text: a pattern's name ({@code system_and_tools}, {@code auto}, ...),
   * optionally followed by {@code :1h} or {@code :5m}.
   *
   * @throws IllegalArgumentException naming the patterns and TTLs there are
   */
  public static PromptCache parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("must name a pattern: " + patterns());
    }
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("must be PATTERN or PATTERN:TTL, got '" + text + "'");
    }
    PromptCache cache = null;
    for (Pattern p : Pattern.values()) {
      if (p.wireName().equals(parts[0])) {
        cache = of(p);
      }
    }
    if (cache == null) {
      throw new IllegalArgumentException(
          "unknown pattern '" + parts[0] + "': one of " + patterns());
    }
    if (parts.length == 2) {
      Ttl ttl = null;
      for (Ttl t : Ttl.values()) {
        if (t.wireName().equals(parts[1])) {
          ttl = t;
        }
      }
      if (ttl == null) {
        throw new IllegalArgumentException("unknown TTL '" + parts[1] + "': 5m or 1h");
      }
      cache = cache.withTtl(ttl);
    }
    return cache;
  }

  private static String patterns() {
    return Arrays.stream(Pattern.values()).map(Pattern::wireName).collect(Collectors.joining(", "));
  }

  /** The text {@link #parse} reads: {@code system_and_tools}, {@code auto:1h}. */
  @Override
  public String toString() {
    return pattern().wireName() + (ttl() == Ttl.ONE_HOUR ? ":1h" : "");
  }
}
