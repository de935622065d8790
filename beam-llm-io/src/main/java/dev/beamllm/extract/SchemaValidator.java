package dev.beamllm.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks models' answers against one JSON schema with networknt's json-schema-validator (draft
 * 2020-12 unless the schema's {@code $schema} names another): an answer is valid when it is one
 * JSON value, optionally in a Markdown code fence, that satisfies the schema. Each error names the
 * place in the answer and what is wrong, as the model can act on it in a repair turn.
 *
 * <p>Serializable (it holds the schema's text), so a pipeline's DoFn can carry it; the compiled
 * schema is made on first use in each JVM and is safe to share between threads.
 */
public final class SchemaValidator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** At most this many errors are reported: enough to repair, short enough to quote. */
  static final int MAX_ERRORS = 20;

  private final String schemaJson;
  private transient volatile Schema compiled;

  private SchemaValidator(String schemaJson) {
    this.schemaJson = schemaJson;
  }

  /**
   * A validator for {@code schemaJson}, a JSON schema object.
   *
   * @throws IllegalArgumentException when it is not a JSON object or not a usable schema
   */
  public static SchemaValidator of(String schemaJson) {
    Objects.requireNonNull(schemaJson, "schemaJson");
    JsonNode node;
    try {
      node = Json.parse(schemaJson);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the JSON schema is not valid JSON: " + e.getMessage());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("the JSON schema must be a JSON object");
    }
    SchemaValidator v = new SchemaValidator(Json.canonical(node));
    try {
      v.schema();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the JSON schema cannot be used: " + e.getMessage(), e);
    }
    return v;
  }

  /** The schema, as canonical JSON. */
  public String schemaJson() {
    return schemaJson;
  }

  /** Checks one answer: its JSON when valid, else why not. */
  public CheckedAnswer check(String answer) {
    Objects.requireNonNull(answer, "answer");
    JsonNode node;
    try {
      node = AnswerText.parse(answer);
    } catch (AnswerText.NotJson e) {
      return CheckedAnswer.invalid(answer, List.of(e.getMessage()));
    }
    List<Error> found = schema().validate(node);
    if (found.isEmpty()) {
      return CheckedAnswer.valid(answer, Json.write(node));
    }
    List<String> errors = new ArrayList<>();
    for (Error e : found) {
      if (errors.size() == MAX_ERRORS) {
        errors.add("... and " + (found.size() - MAX_ERRORS) + " more");
        break;
      }
      errors.add(e.toString());
    }
    return CheckedAnswer.invalid(answer, errors);
  }

  private Schema schema() {
    Schema s = compiled;
    if (s == null) {
      // Compiled once per JVM copy; a race compiles twice, harmlessly.
      s = registry().getSchema(Json.parse(schemaJson));
      s.initializeValidators();
      compiled = s;
    }
    return s;
  }

  private static SchemaRegistry registry() {
    // JSON paths ($.address.city) read well to a model; English whatever the worker's locale,
    // so the repair turn (and its cache key) is the same on every worker.
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).locale(Locale.ENGLISH).build();
    return SchemaRegistry.withDefaultDialect(
        SpecificationVersion.DRAFT_2020_12, b -> b.schemaRegistryConfig(config));
  }
}
