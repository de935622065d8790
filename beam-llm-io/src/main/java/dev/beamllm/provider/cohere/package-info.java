/** Cohere v2 chat: its messages, request, answers with log-probabilities, and errors. */
package dev.beamllm.provider.cohere;
