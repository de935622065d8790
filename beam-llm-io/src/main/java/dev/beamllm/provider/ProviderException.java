package dev.beamllm.provider;

import dev.beamllm.response.ApiError;

/** An adapter's verdict that a request failed, with the classified error. */
public class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ApiError error;

  /** Wraps a classified error. */
  public ProviderException(ApiError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  /** The classified error, whose kind decides whether the client retries. */
  public ApiError error() {
    return error;
  }
}
