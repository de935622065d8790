package dev.beamllm.testing;

/** Thrown by a dialect to answer with one of its provider's errors. */
final class ProviderError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final ErrorKind kind;

  /**
   * The request field at fault, for providers whose errors name it (OpenAI's {@code param}), or
   * null.
   */
  final String param;

  ProviderError(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  ProviderError(ErrorKind kind, String message, String param) {
    super(message, null, false, false);
    this.kind = kind;
    this.param = param;
  }

  static ProviderError badRequest(String message, String param) {
    return new ProviderError(ErrorKind.BAD_REQUEST, message, param);
  }
}
