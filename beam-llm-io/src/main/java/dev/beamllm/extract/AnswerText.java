package dev.beamllm.extract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;

/**
 * The JSON value in a model's answer. Native structured output gives bare JSON; a model asked by
 * prompt (or one whose provider has no schema mode) often wraps it in a Markdown code fence, which
 * is taken off. Nothing else is guessed: text around the JSON makes the answer invalid, so the
 * repair turn asks for JSON only.
 */
final class AnswerText {
  private AnswerText() {}

  /** Thrown when the answer holds no single JSON value; its message says why, for the model. */
  static final class NotJson extends Exception {
    private static final long serialVersionUID = 1L;

    NotJson(String message) {
      super(message);
    }
  }

  /** The one JSON value of {@code answer}. */
  static JsonNode parse(String answer) throws NotJson {
    String text = unfence(answer.strip());
    if (text.isEmpty()) {
      throw new NotJson("the answer is empty, not JSON");
    }
    try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
      JsonNode node = Json.MAPPER.readTree(p);
      if (node == null) {
        throw new NotJson("the answer is empty, not JSON");
      }
      long end = p.currentLocation().getCharOffset();
      if (trailing(p)) {
        throw new NotJson(
            "the answer holds more than one JSON value, or text after it (from "
                + where(end, text)
                + ")");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new NotJson("the answer is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new NotJson("the answer could not be read as JSON: " + e.getMessage());
    }
  }

  /** Whether anything but white space follows the first value (unparseable text counts). */
  private static boolean trailing(JsonParser p) throws IOException {
    try {
      return p.nextToken() != null;
    } catch (JsonProcessingException e) {
      return true;
    }
  }

  private static String where(long offset, String text) {
    return "character " + Math.min(offset, text.length());
  }

  /** Takes off a Markdown code fence ({@code ```json ... ```}) around the whole answer. */
  static String unfence(String text) {
    if (!text.startsWith("```") || !text.endsWith("```") || text.length() < 6) {
      return text;
    }
    int firstLine = text.indexOf('\n');
    if (firstLine < 0) {
      return text;
    }
    return text.substring(firstLine + 1, text.length() - 3).strip();
  }
}
