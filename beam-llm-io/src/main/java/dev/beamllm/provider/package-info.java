/**
 * Provider adapters: each translates a request (conversation, sampling parameters, tools, options)
 * into one API's HTTP request, and the HTTP answer back into the pieces of an {@link
 * dev.beamllm.response.ApiResponse}, and classifies errors. Nothing else: scheduling, retries and
 * model choice live in {@link dev.beamllm.client}. One sub-package per wire format.
 */
package dev.beamllm.provider;
