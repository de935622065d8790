/**
 * Amazon Bedrock runtime: Claude through {@code invoke} and every model through Converse, with
 * Bedrock API keys or SigV4 signing and Bedrock's errors.
 */
package dev.beamllm.provider.bedrock;
