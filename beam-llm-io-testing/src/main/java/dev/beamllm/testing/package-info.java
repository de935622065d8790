/**
 * The embedded fake provider: a real HTTP server on a loopback port that speaks every provider's
 * wire format, enforces rate limits like the providers do, injects faults on demand and answers
 * deterministically. Shipped as its own artifact, {@code beam-llm-io-testing} (not in the library
 * jar), so users can test their own pipelines offline by adding it with test scope.
 *
 * <p>Start one with {@link dev.beamllm.testing.FakeProviderServer#builder()}, or from the command
 * line with {@code ./run.sh fake-server}.
 */
package dev.beamllm.testing;
