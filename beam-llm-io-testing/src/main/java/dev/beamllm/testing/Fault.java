package dev.beamllm.testing;

import java.util.Locale;

/** A failure the fake provider can inject, in each provider's own shape. */
public enum Fault {
  /** No fault: answer normally. */
  NONE("ok"),
  /** 500 internal server error. */
  SERVER_ERROR("500"),
  /** 502 bad gateway. */
  BAD_GATEWAY("502"),
  /** 503 service unavailable. */
  UNAVAILABLE("503"),
  /** Overloaded: Anthropic's 529 {@code overloaded_error}; 503 in the other providers' shapes. */
  OVERLOADED("529"),
  /** Never answer, so the client's timeout fires. */
  HANG("hang"),
  /** Send the headers and half the body, then close the connection. */
  DROP_CONNECTION("drop"),
  /** A 200 whose body is cut-off JSON. */
  MALFORMED_JSON("malformed"),
  /** The provider's 400 for a prompt longer than the context window. */
  CONTEXT_LENGTH("context"),
  /** The provider's 401 for a bad key. */
  UNAUTHORIZED("401"),
  /** The provider's 404 for an unknown model. */
  MODEL_NOT_FOUND("404"),
  /**
   * The account's quota or credit is used up: OpenAI's 429 {@code insufficient_quota}, Anthropic's
   * 400 "credit balance is too low"; other providers' 429.
   */
  QUOTA_EXHAUSTED("quota");

  private final String shortName;

  Fault(String shortName) {
    this.shortName = shortName;
  }

  /**
   * The name used on the command line and in scripts: {@code 500}, {@code 529}, {@code hang}, ...
   */
  public String shortName() {
    return shortName;
  }

  /** Parses a short name ({@code 503}) or an enum name ({@code UNAVAILABLE}). */
  public static Fault parse(String name) {
    String n = name.trim();
    for (Fault f : values()) {
      if (f.shortName.equalsIgnoreCase(n) || f.name().equalsIgnoreCase(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown fault '"
            + name
            + "' (expected one of ok, 500, 502, 503, 529, hang, drop, malformed, context, 401, 404, quota)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
