/**
 * Exact wire JSON of a {@link dev.beamllm.prompt.Conversation} for each provider's API, and imports
 * from OpenAI and Anthropic message lists. Each class translates messages only; model, sampling
 * parameters and tools are added by the provider adapters.
 */
package dev.beamllm.prompt.format;
