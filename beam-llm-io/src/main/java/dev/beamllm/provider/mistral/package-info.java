/**
 * Mistral chat completions: OpenAI's chat shape in Mistral's dialect, its JSON output, Magistral's
 * thinking chunks, its errors and per-minute rate-limit headers.
 */
package dev.beamllm.provider.mistral;
