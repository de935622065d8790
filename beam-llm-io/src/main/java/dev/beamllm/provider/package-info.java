/**
 * Provider adapters: each translates a request (conversation, sampling parameters, tools, options)
 * into one API's HTTP request, and the HTTP answer back into the pieces of an {@link
 * dev.beamllm.response.ApiResponse}, and classifies errors. Nothing else: scheduling, retries and
 * model choice live in the client.
 *
 * <p>One sub-package per wire format holds everything about it: rendering a conversation ({@code
 * *Format}), the request body, answers and streams, errors and rate-limit headers. Those
 * sub-packages and {@code provider.internal} (what they share: the request assembled in named
 * steps, the rendering helpers, error classification) are implementation, not API. This package
 * holds the types the client exchanges with adapters (the adapter SPI), the client's entry ({@link
 * dev.beamllm.provider.Adapters}) and a conversation's JSON per provider ({@link
 * dev.beamllm.provider.WireFormats}).
 */
package dev.beamllm.provider;
