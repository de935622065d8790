package dev.beamllm.provider;

/**
 * An API that can run a request as a background job which the client polls instead of holding a
 * connection open for the whole generation (OpenAI Responses' {@code background: true}). An adapter
 * implements it next to {@link ProviderAdapter}; the job's finished state is read with the
 * adapter's {@link ProviderAdapter#parse parse}, and errors with its {@link ProviderAdapter#error
 * error}.
 */
public interface BackgroundApi {

  /** The request that starts the job: the adapter's request, asking for background execution. */
  HttpCall startInBackground(ProviderRequest request);

  /**
   * The job's id and whether it is still running, from a 2xx answer to the start or a poll.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read
   */
  JobStatus status(HttpAnswer answer);

  /** The request that reads the job's current state. */
  HttpCall poll(ProviderRequest request, String jobId);

  /** The request that cancels the job. */
  HttpCall cancel(ProviderRequest request, String jobId);

  /**
   * What a start or poll answer says about the job.
   *
   * @param id the job's id
   * @param running true while the job is queued or in progress; false once its answer (or failure)
   *     is final
   */
  record JobStatus(String id, boolean running) {}
}
