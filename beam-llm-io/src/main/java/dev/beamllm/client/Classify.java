package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;

/**
 * The fourth step of each attempt: what its end means. A transport error or an error answer says
 * something of the model (for {@link ModelHealth}); an answer that cannot be read does not, but
 * costs its tokens. Whether the error is worth another attempt is its {@link ErrorKind}'s to say.
 */
final class Classify {
  private Classify() {}

  /**
   * An attempt's outcome, with what the scheduler is told when its slot is freed.
   *
   * @param parsed the answer, or null on an error
   * @param error the error, or null
   * @param aboutModel whether the error says something of the model, for its health
   * @param usedTokens the tokens the provider charged (0 when nothing was: the reservation comes
   *     back)
   * @param info the answer's rate-limit headers
   * @param rateLimited whether the answer was a 429
   * @param retryAfterNanos the provider's retry-after, or -1
   */
  record Outcome(
      ParsedAnswer parsed,
      ApiError error,
      boolean aboutModel,
      long usedTokens,
      RateLimitInfo info,
      boolean rateLimited,
      long retryAfterNanos) {}

  /**
   * The outcome of an attempt sent to a model.
   *
   * @param answer the answer, or null when {@code error} is set
   * @param error the transport's exception, or null
   */
  static Outcome outcome(
      Send.Attempt attempt,
      ModelSpec spec,
      Scheduler.Admission admission,
      HttpAnswer answer,
      Throwable error) {
    if (error != null) {
      return new Outcome(null, transportError(error), true, 0, RateLimitInfo.NONE, false, -1);
    }
    RateLimitInfo info = attempt.adapter.rateLimits(answer);
    if (!answer.ok()) {
      ApiError e = attempt.adapter.error(answer);
      return new Outcome(
          null,
          e,
          true,
          0,
          info,
          e.kind() == ErrorKind.RATE_LIMIT,
          e.retryAfterMillis() * 1_000_000L);
    }
    ParsedAnswer parsed;
    try {
      parsed = attempt.parse(answer);
    } catch (ProviderException e) {
      return new Outcome(null, e.error(), false, admission.tokens(), info, false, -1);
    } catch (RuntimeException e) {
      ApiError unreadable =
          ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e);
      return new Outcome(null, unreadable, false, admission.tokens(), info, false, -1);
    }
    return new Outcome(parsed, null, false, charged(spec, parsed.usage()), info, false, -1);
  }

  /**
   * The tokens the provider counts against its limit: input (with cache reads and writes) plus
   * output.
   */
  private static long charged(ModelSpec spec, Usage u) {
    long input =
        spec.wireFormat().inputIncludesCached()
            ? u.inputTokens()
            : u.inputTokens() + u.cacheReadTokens() + u.cacheWriteTokens();
    return input + u.outputTokens();
  }

  static ApiError transportError(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof ProviderException p) {
      return p.error();
    }
    if (e instanceof HttpTimeoutException) {
      return ApiError.of(ErrorKind.TIMEOUT, "no answer within the request timeout");
    }
    if (e instanceof IllegalArgumentException) {
      // The request itself is unsendable (a header no HTTP message may carry): trying again cannot
      // help.
      return ApiError.of(
          ErrorKind.INVALID_INPUT, e.getMessage() + " (check extra headers and keys)");
    }
    if (e instanceof ConnectException) {
      return ApiError.of(ErrorKind.CONNECTION, "cannot connect: " + e.getMessage());
    }
    if (e instanceof RuntimeException) {
      // A stream's events that could not be read, or the caller's text consumer failing on them.
      return ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e);
    }
    return ApiError.of(ErrorKind.CONNECTION, "connection failed: " + e);
  }

  /**
   * The error of a request whose HTTP request could not be built or sent (a header the HTTP client
   * refuses, say). It names only the exception's type, because its message may quote a header
   * value, that is, a key.
   */
  static ApiError refused(String model, RuntimeException e) {
    return ApiError.of(
        ErrorKind.INVALID_INPUT,
        "the request could not be sent to model '"
            + model
            + "': "
            + e.getClass().getSimpleName()
            + " (check extra headers and keys)");
  }
}
