package dev.beamllm.model;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** JSON schemas derived from records, for structured output. */
public class RecordSchemasTest {
  enum Sentiment {
    POSITIVE,
    NEGATIVE
  }

  record Address(String city, int zip) {}

  record Review(
      String title,
      double score,
      boolean recommended,
      Sentiment sentiment,
      List<String> tags,
      Optional<String> note,
      Address address) {}

  @Test
  public void everyComponentBecomesARequiredTypedProperty() {
    JsonNode s = Json.parse(RecordSchemas.of(Review.class));
    assertEquals("object", s.get("type").asText());
    assertEquals(false, s.get("additionalProperties").asBoolean());
    assertEquals(7, s.get("required").size());
    assertEquals("string", s.at("/properties/title/type").asText());
    assertEquals("number", s.at("/properties/score/type").asText());
    assertEquals("boolean", s.at("/properties/recommended/type").asText());
    assertEquals("NEGATIVE", s.at("/properties/sentiment/enum/1").asText());
    assertEquals("string", s.at("/properties/tags/items/type").asText());
    assertEquals("null", s.at("/properties/note/type/1").asText());
    assertEquals("integer", s.at("/properties/address/properties/zip/type").asText());
    assertEquals(
        SamplingParams.defaults().withOutputSchema(Review.class).outputSchema().orElseThrow(),
        RecordSchemas.of(Review.class));
  }
}
