package dev.beamllm.extract;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's answer checked against a JSON schema: either the JSON it holds (written compactly, keys
 * in the answer's order) or what is wrong with it, each error one line naming where it is ({@code
 * $.age: string found, integer expected}), ready to be quoted back to the model.
 *
 * @param answer the answer as the model wrote it
 * @param json the JSON value the answer holds when it is valid, else null
 * @param errors why it is not valid: not JSON at all, or the schema's errors; empty when valid
 */
public record CheckedAnswer(String answer, String json, List<String> errors) {
  /** Checks the parts: exactly one of a JSON value and errors. */
  public CheckedAnswer {
    Objects.requireNonNull(answer, "answer");
    errors = List.copyOf(errors);
    if ((json == null) == errors.isEmpty()) {
      throw new IllegalArgumentException("a checked answer is either valid JSON or has errors");
    }
  }

  /** A valid answer holding {@code json}. */
  public static CheckedAnswer valid(String answer, String json) {
    return new CheckedAnswer(answer, Objects.requireNonNull(json, "json"), List.of());
  }

  /** An answer that failed for these reasons. */
  public static CheckedAnswer invalid(String answer, List<String> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an invalid answer needs its errors");
    }
    return new CheckedAnswer(answer, null, errors);
  }

  /** Whether the answer is JSON that satisfies the schema. */
  public boolean isValid() {
    return json != null;
  }

  /** The valid JSON, if it is. */
  public Optional<String> validJson() {
    return Optional.ofNullable(json);
  }

  /** The errors on one line each, for a failure's message. */
  public String errorText() {
    return String.join("\n", errors);
  }
}
