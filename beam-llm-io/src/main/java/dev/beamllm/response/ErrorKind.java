package dev.beamllm.response;

/** What went wrong with a request, and whether trying again can help. */
public enum ErrorKind {
  /** 429: too many requests or tokens; retry after the provider's delay. */
  RATE_LIMIT(true),
  /** The provider is overloaded (Anthropic 529, OpenAI 503 "overloaded"). */
  OVERLOADED(true),
  /** 5xx from the provider. */
  SERVER(true),
  /** No answer within the per-attempt timeout. */
  TIMEOUT(true),
  /** The connection failed or dropped mid-answer. */
  CONNECTION(true),
  /** A 200 whose body could not be read (cut-off or malformed JSON). */
  INVALID_RESPONSE(true),
  /**
   * The account's quota, credit or spend limit is used up (OpenAI's 429 {@code insufficient_quota},
   * {@code *_spend_limit_exceeded}, {@code credit_balance_exhausted}; Anthropic's 402 {@code
   * billing_error} or 400 "credit balance is too low"): no retry can succeed until someone adds
   * credit or raises the limit.
   */
  QUOTA_EXHAUSTED(false),
  /** 401/403: the key is missing, wrong or not allowed this model. */
  AUTH(false),
  /** 404: the model or endpoint does not exist. */
  NOT_FOUND(false),
  /** 400: the provider refused the request as invalid. */
  BAD_REQUEST(false),
  /** 400: the prompt and output limit exceed the model's context window. */
  CONTEXT_LENGTH(false),
  /** The provider's safety filter refused the prompt or the answer. */
  CONTENT_FILTER(false),
  /**
   * The request needs something the model cannot do (images, logprobs, a JSON schema, ...), found
   * before sending.
   */
  UNSUPPORTED(false),
  /** The request can never fit the client's own limits (e.g. more tokens than tokens/min). */
  TOO_LARGE(false),
  /** Bad input: the conversation itself is invalid. */
  INVALID_INPUT(false),
  /** The client was closed before the request could finish. */
  CANCELLED(false),
  /** An agent loop used all its turns and the model still asked for tools. */
  MAX_TURNS(false),
  /** A tool of an agent loop could not be run at all (its server is unreachable, say). */
  TOOL(false),
  /**
   * Not sent: its worst-case cost would have taken the client past its spending cap ({@code
   * withMaxCost}).
   */
  BUDGET(false),
  /**
   * The answer is not what the request asked for: not JSON, or JSON that fails the output schema of
   * an extraction ({@code LlmIO.extract}), still after its repair turn. Not retried: the same
   * request would most likely get the same answer (and a cached one surely would).
   */
  INVALID_OUTPUT(false);

  private final boolean retryable;

  ErrorKind(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether another attempt may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
