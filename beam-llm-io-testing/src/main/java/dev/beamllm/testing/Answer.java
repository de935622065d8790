package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the fake model says, before a dialect shapes it.
 *
 * @param text the text (empty when only tools are called)
 * @param toolCalls the tool calls
 * @param thinking visible reasoning, or null when not asked for
 * @param thinkingSignature a signature over the reasoning, or null
 * @param finish why it stopped
 * @param inputTokens input tokens, excluding prompt-cache reads and writes
 * @param outputTokens output tokens
 * @param cacheReadTokens prompt tokens read from the prompt cache
 * @param cacheWriteTokens prompt tokens written to the prompt cache
 * @param cacheWrite1hTokens the part of {@code cacheWriteTokens} written with the one-hour lifetime
 *     (the rest has five minutes)
 * @param tokens the text split into tokens, for logprobs
 * @param yesProbability for a yes/no answer by the {@code PROB=p} rule, p: the first token's
 *     alternatives are then Yes with ln(p) and No with ln(1 - p) (see {@link FakeAnswerer}); NaN
 *     for any other answer
 */
record Answer(
    String text,
    List<ToolCallOut> toolCalls,
    String thinking,
    String thinkingSignature,
    Finish finish,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long cacheWrite1hTokens,
    List<String> tokens,
    double yesProbability) {

  /** Why the answer stopped. */
  enum Finish {
    STOP,
    LENGTH,
    TOOL_CALLS
  }

  /**
   * A tool call in the answer.
   *
   * @param id the call id
   * @param name the tool
   * @param argumentsJson the arguments, a JSON object
   * @param computer the computer action the call is, in the other APIs' shapes, or null
   */
  record ToolCallOut(String id, String name, String argumentsJson, ComputerOut computer) {
    /** An ordinary tool call. */
    ToolCallOut(String id, String name, String argumentsJson) {
      this(id, name, argumentsJson, null);
    }
  }

  /**
   * A computer action in the shapes of the APIs whose computer calls are not Anthropic's tool input
   * (which {@link ToolCallOut#argumentsJson} holds).
   *
   * @param openAiAction OpenAI's {@code computer_call} action
   * @param geminiCall Gemini's predefined function call, {@code {"name", "args"}}
   */
  record ComputerOut(ObjectNode openAiAction, ObjectNode geminiCall) {}

  /** The part of {@link #cacheWriteTokens} written with the five-minute lifetime. */
  long cacheWrite5mTokens() {
    return cacheWriteTokens - cacheWrite1hTokens;
  }

  /** Input tokens including cache reads and writes, as OpenAI and Gemini report them. */
  long totalInputTokens() {
    return inputTokens + cacheReadTokens + cacheWriteTokens;
  }
}
