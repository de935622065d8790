package dev.beamllm.extract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import dev.beamllm.model.Description;
import dev.beamllm.prompt.internal.Json;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The JSON schema of a Java record or bean class, as the providers' structured output takes it:
 * every field a required property, {@code additionalProperties: false} on every object (what
 * OpenAI's strict mode demands, and what makes the other providers' answers map back onto the
 * class), nested classes, lists, arrays and enums mapped, {@link Description} as each property's
 * description. A field of type {@link Optional} or annotated with any {@code @Nullable} may be
 * {@code null} (still required, as strict mode wants); the others may not.
 *
 * <p>Generated with victools' jsonschema-generator (draft 2020-12 without the {@code $schema}
 * keyword, which some providers refuse).
 */
public final class JsonSchemas {
  private JsonSchemas() {}

  /** The schema of {@code type} (a record or a bean with a no-argument constructor), as JSON. */
  public static String of(Class<?> type) {
    Objects.requireNonNull(type, "type");
    if (type.isPrimitive() || type.isArray() || type.isEnum() || type.isInterface()) {
      throw new IllegalArgumentException(
          "extraction needs a record or bean class, not " + type.getName());
    }
    ObjectNode schema = Holder.GENERATOR.generateSchema(type);
    return Json.canonical(schema);
  }

  /** Builds the generator once: its configuration is the same for every class. */
  private static final class Holder {
    static final SchemaGenerator GENERATOR = generator();
  }

  private static SchemaGenerator generator() {
    SchemaGeneratorConfigBuilder b =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
            .without(Option.SCHEMA_VERSION_INDICATOR);
    // Strict mode wants every property listed as required; an optional value is said by its
    // type allowing null instead.
    b.forFields().withRequiredCheck(f -> true);
    b.forFields().withNullableCheck(JsonSchemas::nullable);
    b.forFields().withDescriptionResolver(JsonSchemas::description);
    return new SchemaGenerator(b.build());
  }

  private static boolean nullable(FieldScope field) {
    if (field.getType() != null && field.getType().getErasedType() == Optional.class) {
      return true;
    }
    if (field.getType() != null && field.getType().isPrimitive()) {
      return false;
    }
    return Arrays.stream(annotations(field))
        .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
  }

  private static String description(FieldScope field) {
    Description d = field.getAnnotationConsideringFieldAndGetter(Description.class);
    if (d == null) {
      RecordComponent c = component(field);
      d = c == null ? null : c.getAnnotation(Description.class);
    }
    return d == null ? null : d.value();
  }

  /** A record's component annotations live on the component, and only some reach the field. */
  private static Annotation[] annotations(FieldScope field) {
    RecordComponent c = component(field);
    Annotation[] onField = field.getRawMember().getAnnotations();
    Annotation[] onType = field.getRawMember().getAnnotatedType().getAnnotations();
    Annotation[] onComponent = c == null ? new Annotation[0] : c.getAnnotations();
    Annotation[] all = Arrays.copyOf(onField, onField.length + onType.length + onComponent.length);
    System.arraycopy(onType, 0, all, onField.length, onType.length);
    System.arraycopy(onComponent, 0, all, onField.length + onType.length, onComponent.length);
    return all;
  }

  private static RecordComponent component(FieldScope field) {
    Class<?> owner = field.getRawMember().getDeclaringClass();
    if (!owner.isRecord()) {
      return null;
    }
    for (RecordComponent c : owner.getRecordComponents()) {
      if (c.getName().equals(field.getName())) {
        return c;
      }
    }
    return null;
  }
}
