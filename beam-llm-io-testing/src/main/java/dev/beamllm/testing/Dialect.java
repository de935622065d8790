package dev.beamllm.testing;

/**
 * One provider API as the fake server speaks it: where the key is, how a request is validated, and
 * the exact shapes of its answers, errors and rate-limit headers. A dialect only translates; the
 * server does routing, limits, faults and latency.
 */
interface Dialect {

  /** A short name for logs and counters, e.g. {@code openai-chat}. */
  String name();

  /**
   * The key the client sent, or null when none was sent: a bearer token by default, as most
   * providers take it; dialects with their own header or query parameter override this.
   */
  default String apiKey(FakeHttpRequest request) {
    return request.bearer();
  }

  /**
   * A problem with the credentials' form that the provider refuses whatever the key (Bedrock's
   * SigV4 header), as an error to answer with; null when the form is fine.
   */
  default ProviderError credentialsProblem(FakeHttpRequest request) {
    return null;
  }

  /**
   * Validates the request and reads it into the neutral form.
   *
   * @param pathModel the model named in the path (Gemini, Bedrock), or null
   * @throws ProviderError with the provider's own message for an invalid request
   */
  ParsedRequest parse(FakeHttpRequest request, String pathModel);

  /** The 200 answer (JSON, or server-sent events when the request asked to stream). */
  FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits);

  /**
   * For a request the client asked to run in the background (OpenAI Responses' {@code background:
   * true}): the answer to send at once, the dialect keeping {@code answer} to serve from its side
   * endpoints once it is ready. Null (the default) for a request answered in the foreground.
   *
   * @param readyAtNanos when the answer is ready, on {@link System#nanoTime()}'s clock: the
   *     server's latency from now
   */
  default FakeHttpResponse startInBackground(
      ParsedRequest request, Answer answer, RateLimitState limits, long readyAtNanos) {
    return null;
  }

  /**
   * The provider's words for a request longer than the context window (OpenAI's by default).
   *
   * @param window the context window
   * @param input the input tokens
   * @param maxOutput the requested output limit
   */
  default String contextLengthMessage(long window, long input, long maxOutput) {
    return "This model's maximum context length is "
        + window
        + " tokens. However, you requested "
        + (input + maxOutput)
        + " tokens ("
        + input
        + " in the messages, "
        + maxOutput
        + " in the completion). Please reduce the length of the messages or completion.";
  }

  /** An error in the provider's shape, with its rate-limit headers for a 429. */
  FakeHttpResponse error(ErrorKind kind, String message, String param, RateLimitState limits);

  /**
   * A refusal the dialect threw, in the provider's shape; dialects whose errors carry a code of
   * their own ({@link ProviderError#code}) override this to show it.
   */
  default FakeHttpResponse error(ProviderError e) {
    return error(e.kind, e.getMessage(), e.param, RateLimitState.UNLIMITED);
  }
}
