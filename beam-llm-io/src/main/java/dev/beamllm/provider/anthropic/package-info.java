/**
 * Anthropic Messages: the request body ({@link dev.beamllm.provider.anthropic.AnthropicBody}),
 * extended thinking sized from a reasoning effort ({@link
 * dev.beamllm.provider.anthropic.ThinkingBudget}), answers and streams, and the adapter for the
 * Anthropic API. Bedrock's Claude adapter reuses the body and the answer reading.
 */
package dev.beamllm.provider.anthropic;
