package dev.beamllm.extract;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.Description;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.internal.Json;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/**
 * The pieces of an extraction: schemas generated from records and beans in strict-mode form,
 * answers checked with the validator's errors, the repair turn, and JSON read into the class.
 */
public class ExtractPiecesTest {
  /** A level of a review. */
  public enum Level {
    LOW,
    HIGH
  }

  /** A nested record. */
  public record Address(String city, String country) {}

  /** A record with every kind of component the schema maps. */
  public record Customer(
      @Description("The customer's full name") String name,
      int age,
      Optional<String> email,
      List<String> tags,
      Level level,
      Address address) {}

  /** A bean: a no-argument constructor and setters. */
  public static class Ticket {
    private String subject;
    private double priority;

    public String getSubject() {
      return subject;
    }

    public void setSubject(String subject) {
      this.subject = subject;
    }

    public double getPriority() {
      return priority;
    }

    public void setPriority(double priority) {
      this.priority = priority;
    }
  }

  @Test
  public void aRecordsSchemaIsInStrictModeForm() {
    JsonNode s = Json.parse(JsonSchemas.of(Customer.class));
    assertEquals("object", s.get("type").asText());
    assertFalse(s.get("additionalProperties").asBoolean());
    assertEquals(6, s.get("required").size());
    JsonNode p = s.get("properties");
    assertEquals("The customer's full name", p.get("name").get("description").asText());
    assertEquals("integer", p.get("age").get("type").asText());
    // Optional: still required, but null is allowed.
    assertTrue(p.get("email").toString(), p.get("email").toString().contains("null"));
    assertEquals("array", p.get("tags").get("type").asText());
    assertEquals("[\"LOW\",\"HIGH\"]", p.get("level").get("enum").toString());
    assertFalse(p.get("address").get("additionalProperties").asBoolean());
    assertFalse(s.has("$schema"));
  }

  @Test
  public void aBeansSchemaHasItsProperties() {
    JsonNode s = Json.parse(JsonSchemas.of(Ticket.class));
    assertEquals(2, s.get("required").size());
    assertEquals("number", s.get("properties").get("priority").get("type").asText());
    assertFalse(s.get("additionalProperties").asBoolean());
  }

  @Test
  public void validAnswersAreTheirJsonAndInvalidOnesSayWhy() {
    SchemaValidator v = SchemaValidator.of(JsonSchemas.of(Address.class));
    CheckedAnswer ok = v.check("{\"city\": \"Lyon\", \"country\": \"FR\"}");
    assertTrue(ok.isValid());
    assertEquals("{\"city\":\"Lyon\",\"country\":\"FR\"}", ok.validJson().orElseThrow());
    // A Markdown fence is taken off.
    assertTrue(v.check("```json\n{\"city\": \"Lyon\", \"country\": \"FR\"}\n```").isValid());

    CheckedAnswer broken = v.check("{\"city\": \"Ly");
    assertFalse(broken.isValid());
    assertTrue(broken.errorText(), broken.errorText().contains("not valid JSON"));
    CheckedAnswer chatty = v.check("{\"city\":\"a\",\"country\":\"b\"} Hope this helps!");
    assertTrue(chatty.errorText(), chatty.errorText().contains("more than one JSON value"));

    CheckedAnswer wrong = v.check("{\"city\": 3, \"zip\": \"69000\"}");
    assertFalse(wrong.isValid());
    String errors = wrong.errorText();
    assertTrue(errors, errors.contains("country"));
    assertTrue(errors, errors.contains("zip"));
    assertTrue(errors, errors.contains("city"));
  }

  @Test
  public void aSchemaThatIsNotAnObjectIsRefused() {
    for (String bad : List.of("[1]", "{\"type\": ", "\"x\"")) {
      try {
        SchemaValidator.of(bad);
        throw new AssertionError("accepted " + bad);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage(), expected.getMessage().contains("JSON schema"));
      }
    }
  }

  @Test
  public void theRepairTurnQuotesTheAnswerAndTheErrors() {
    Conversation sent = Conversation.system("Extract.").addUser("Lyon, France").withId("r1");
    CheckedAnswer bad = CheckedAnswer.invalid("{\"city\": 3}", List.of("$.city: wrong type"));
    Conversation repair = RepairTurn.of(sent, bad);
    assertEquals(4, repair.messages().size());
    assertEquals("r1", repair.id().orElseThrow());
    assertEquals(Role.ASSISTANT, repair.messages().get(2).role());
    assertEquals("{\"city\": 3}", repair.messages().get(2).text());
    String ask = repair.messages().get(3).text();
    assertTrue(ask, ask.startsWith(RepairTurn.PREAMBLE));
    assertTrue(ask, ask.contains("- $.city: wrong type"));
    assertTrue(ask, ask.endsWith(RepairTurn.REQUEST));
  }

  @Test
  public void validJsonReadsIntoRecordsAndBeans() {
    Customer c =
        JsonBinding.of(Customer.class)
            .read(
                "{\"name\":\"Ann\",\"age\":41,\"email\":null,\"tags\":[\"vip\"],\"level\":\"HIGH\","
                    + "\"address\":{\"city\":\"Lyon\",\"country\":\"FR\"}}");
    assertEquals(
        new Customer(
            "Ann", 41, Optional.empty(), List.of("vip"), Level.HIGH, new Address("Lyon", "FR")),
        c);
    Ticket t = JsonBinding.of(Ticket.class).read("{\"subject\":\"late\",\"priority\":2.5}");
    assertEquals("late", t.getSubject());
    assertEquals(2.5, t.getPriority(), 0);
    try {
      JsonBinding.of(Address.class).read("{\"city\":\"Lyon\",\"country\":\"FR\",\"zip\":1}");
      throw new AssertionError("an unknown property was accepted");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().contains("Address"));
    }
  }
}
