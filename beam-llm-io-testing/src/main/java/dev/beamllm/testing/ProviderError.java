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

  /**
   * The provider's own error code where its error body carries one the kind does not imply
   * (OpenAI's {@code unsupported_value}, Azure's {@code BadRequest}), or null.
   */
  final String code;

  ProviderError(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  ProviderError(ErrorKind kind, String message, String param) {
    this(kind, message, param, null);
  }

  ProviderError(ErrorKind kind, String message, String param, String code) {
    super(message, null, false, false);
    this.kind = kind;
    this.param = param;
    this.code = code;
  }

  static ProviderError badRequest(String message, String param) {
    return new ProviderError(ErrorKind.BAD_REQUEST, message, param);
  }
}
