package dev.beamllm.testing;

/** The errors a dialect renders in its provider's shape. */
enum ErrorKind {
  BAD_REQUEST(400),
  CONTEXT_LENGTH(400),
  UNAUTHORIZED(401),
  NOT_FOUND(404),
  RATE_LIMIT(429),
  /** The account's quota or credit is used up (OpenAI's 429 {@code insufficient_quota}). */
  QUOTA_EXHAUSTED(429),
  SERVER_ERROR(500),
  BAD_GATEWAY(502),
  UNAVAILABLE(503),
  /** Anthropic's 529; other dialects render it as their 503. */
  OVERLOADED(529);

  final int status;

  ErrorKind(int status) {
    this.status = status;
  }
}
