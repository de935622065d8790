/**
 * Amazon Bedrock runtime: Claude through {@code invoke} (Anthropic's body) and every model through
 * Converse (its own rendering, {@link dev.beamllm.provider.bedrock.BedrockConverseFormat}), with
 * Bedrock API keys or SigV4 signing and Bedrock's errors.
 */
package dev.beamllm.provider.bedrock;
