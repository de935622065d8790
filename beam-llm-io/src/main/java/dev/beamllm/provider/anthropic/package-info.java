/**
 * Anthropic Messages: the conversation's {@code system} and {@code messages} ({@link
 * dev.beamllm.provider.anthropic.AnthropicFormat}), the request body ({@link
 * dev.beamllm.provider.anthropic.AnthropicBody}), extended thinking sized from a reasoning effort
 * ({@link dev.beamllm.provider.anthropic.ThinkingBudget}), answers, streams, errors and rate-limit
 * headers, and the adapter for the Anthropic API. Bedrock's Claude adapter reuses the body and the
 * answer reading.
 */
package dev.beamllm.provider.anthropic;
