/**
 * Google Gemini {@code generateContent}: the conversation's {@code systemInstruction} and {@code
 * contents}, the request with thinking budgets, answers, streams and errors.
 */
package dev.beamllm.provider.gemini;
