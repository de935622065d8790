/**
 * OpenAI: chat completions (also every OpenAI-compatible API and Azure OpenAI) and the Responses
 * API, each with its conversation rendering, request, answers, streams, errors and rate-limit
 * headers; the Responses API also runs requests in the background. Mistral and Cohere reuse the
 * chat completions pieces in {@link dev.beamllm.provider.openai.ChatCompletions}, and Mistral's
 * messages are a dialect of {@link dev.beamllm.provider.openai.OpenAiChatFormat}.
 */
package dev.beamllm.provider.openai;
