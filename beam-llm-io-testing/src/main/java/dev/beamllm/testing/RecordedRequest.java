package dev.beamllm.testing;

import java.util.Map;

/**
 * A request the fake server received, with secrets masked.
 *
 * @param method the HTTP method
 * @param path the path and query (the {@code key} query parameter masked)
 * @param headers headers with lower-case names; keys and signatures masked
 * @param body the body
 */
public record RecordedRequest(
    String method, String path, Map<String, String> headers, String body) {}
