package dev.beamllm.testing;

/**
 * An endpoint beside a dialect's model requests, for what the dialect keeps between requests
 * (OpenAI Responses: retrieving or cancelling a background response). The server checks the key as
 * the route's dialect reads it, then lets the endpoint answer at once: rate limits, faults and
 * latency are for model requests only.
 */
@FunctionalInterface
interface SideEndpoint {

  /**
   * The answer to a request.
   *
   * @param request the request
   * @param pathId the first group of the route's path pattern (the id of what it reads), or null
   */
  FakeHttpResponse answer(FakeHttpRequest request, String pathId);
}
