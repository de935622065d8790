package dev.beamllm.extract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/**
 * A valid answer as an instance of a record or bean class, read with Jackson: records through their
 * canonical constructor, beans through their no-argument constructor and setters (or public
 * fields), {@code Optional} fields from a value or null. A property the class lacks is an error, as
 * the schema forbade it; so is a missing primitive, which would silently become 0.
 *
 * @param <T> the class
 */
public final class JsonBinding<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new Jdk8Module())
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Class<T> type;
  private transient ObjectReader reader;

  private JsonBinding(Class<T> type) {
    this.type = type;
  }

  /** Reads JSON into instances of {@code type}. */
  public static <T> JsonBinding<T> of(Class<T> type) {
    return new JsonBinding<>(Objects.requireNonNull(type, "type"));
  }

  /** The class read into. */
  public Class<T> type() {
    return type;
  }

  /**
   * {@code json} as a {@code T}.
   *
   * @throws IllegalArgumentException when it does not fit the class, saying where
   */
  public T read(String json) {
    if (reader == null) {
      reader = MAPPER.readerFor(type);
    }
    try {
      return reader.readValue(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the JSON does not fit " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
