package dev.beamllm.tool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.Description;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/**
 * Tools from Java methods and lambdas: their schemas, typed arguments, and arguments that do not
 * fit.
 */
public class ToolsTest {
  /** Units for the weather tool. */
  public enum Units {
    CELSIUS,
    FAHRENHEIT
  }

  /** A stop of a trip. */
  public record Stop(@Description("the city") String city, int nights) {}

  /** A trip, nested. */
  public record Trip(String traveller, List<Stop> stops, Optional<String> note) {}

  /** Tools of an object. */
  public static final class Desk implements Serializable {
    private final String greeting;

    Desk(String greeting) {
      this.greeting = greeting;
    }

    @ToolMethod(description = "Adds two numbers.")
    public long add(@Description("the first") long a, @Description("the second") long b) {
      return a + b;
    }

    @ToolMethod(description = "The weather in a city.", name = "get_weather")
    public String weather(String city, Optional<Units> units) {
      return greeting + " " + city + " " + units.map(Units::name).orElse("default");
    }

    @ToolMethod(description = "Plans a trip.", strict = true)
    public Trip plan(Trip trip) {
      return trip;
    }

    @ToolMethod(description = "Always fails.")
    public String broken(String why) {
      throw new IllegalStateException("broken: " + why);
    }
  }

  private static ToolResult call(ToolSet set, String name, String args) {
    return set.run(ToolCall.of("c1", name, args)).join();
  }

  @Test
  public void methodsBecomeToolsWithSchemasFromTheirParameters() {
    ToolSet set = ToolSet.of(Tools.fromMethods(new Desk("hi")));
    assertEquals(
        List.of("add", "broken", "get_weather", "plan"),
        set.definitions().stream().map(Tool::name).toList());
    Tool add = set.get("add").orElseThrow().definition();
    assertEquals("Adds two numbers.", add.description());
    assertEquals(
        "{\"additionalProperties\":false,\"properties\":{\"a\":{\"description\":\"the first\","
            + "\"type\":\"integer\"},\"b\":{\"description\":\"the second\",\"type\":\"integer\"}},"
            + "\"required\":[\"a\",\"b\"],\"type\":\"object\"}",
        add.parametersJson());
    Tool weather = set.get("get_weather").orElseThrow().definition();
    assertEquals(
        "{\"additionalProperties\":false,\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"units\":{\"enum\":[\"CELSIUS\",\"FAHRENHEIT\",null],\"type\":[\"string\",\"null\"]}},"
            + "\"required\":[\"city\"],\"type\":\"object\"}",
        weather.parametersJson());
    Tool plan = set.get("plan").orElseThrow().definition();
    assertTrue(plan.strict());
    assertTrue(
        plan.parametersJson(), plan.parametersJson().contains("\"description\":\"the city\""));
  }

  @Test
  public void argumentsArriveAsTypedValues() {
    ToolSet set = ToolSet.of(Tools.fromMethods(new Desk("hi")));
    assertEquals("5", call(set, "add", "{\"a\":2,\"b\":3}").text());
    assertEquals("hi Oslo default", call(set, "get_weather", "{\"city\":\"Oslo\"}").text());
    assertEquals(
        "hi Oslo FAHRENHEIT",
        call(set, "get_weather", "{\"city\":\"Oslo\",\"units\":\"FAHRENHEIT\"}").text());
    ToolResult trip =
        call(
            set,
            "plan",
            "{\"trip\":{\"traveller\":\"Ann\",\"stops\":[{\"city\":\"Rome\",\"nights\":2}],"
                + "\"note\":null}}");
    assertFalse(trip.text(), trip.isError());
    assertEquals(
        "{\"traveller\":\"Ann\",\"stops\":[{\"city\":\"Rome\",\"nights\":2}],\"note\":null}",
        trip.text());
  }

  @Test
  public void argumentsThatDoNotFitBecomeErrorsTheModelReads() {
    ToolSet set = ToolSet.of(Tools.fromMethods(new Desk("hi")));
    ToolResult missing = call(set, "add", "{\"a\":2}");
    assertTrue(missing.isError());
    assertEquals("invalid arguments for 'add': missing required argument 'b'", missing.text());
    ToolResult wrongType = call(set, "add", "{\"a\":2,\"b\":\"three\"}");
    assertTrue(wrongType.isError());
    assertTrue(
        wrongType.text(), wrongType.text().startsWith("invalid arguments for 'add': argument 'b'"));
    ToolResult unknown = call(set, "add", "{\"a\":2,\"b\":3,\"c\":4}");
    assertTrue(unknown.isError());
    assertEquals(
        "invalid arguments for 'add': unknown argument(s) [c]; the tool takes [a, b]",
        unknown.text());
    ToolOutput notJson = set.get("add").orElseThrow().call("{\"a\":2,").join();
    assertTrue(notJson.isError());
    assertTrue(notJson.toString(), notJson.content().toString().contains("not JSON"));
    ToolResult badEnum = call(set, "get_weather", "{\"city\":\"Oslo\",\"units\":\"KELVIN\"}");
    assertTrue(badEnum.isError());
    ToolResult nested =
        call(set, "plan", "{\"trip\":{\"traveller\":\"Ann\",\"stops\":[{\"city\":1}]}}");
    assertTrue(nested.text(), nested.isError());
    ToolResult failing = call(set, "broken", "{\"why\":\"disk full\"}");
    assertTrue(failing.isError());
    assertEquals("tool 'broken' failed: IllegalStateException: broken: disk full", failing.text());
    ToolResult noSuch = call(set, "nope", "{}");
    assertTrue(noSuch.isError());
    assertEquals(
        "there is no tool named 'nope'; the tools are [add, broken, get_weather, plan]",
        noSuch.text());
    assertEquals("c1", noSuch.callId());
  }

  /** The arguments of a lambda tool. */
  public record Search(@Description("what to look for") String query, Optional<Integer> limit) {}

  @Test
  public void aLambdaOverARecordIsATool() throws Exception {
    ExecutableTool search =
        Tools.function(
            "search", "Searches.", Search.class, s -> s.query() + " x" + s.limit().orElse(10));
    assertEquals(
        "{\"additionalProperties\":false,\"properties\":{\"limit\":{\"type\":[\"integer\",\"null\"]},"
            + "\"query\":{\"description\":\"what to look for\",\"type\":\"string\"}},"
            + "\"required\":[\"query\",\"limit\"],\"type\":\"object\"}",
        search.definition().parametersJson());
    ToolSet set = ToolSet.of(search);
    assertEquals("cats x10", call(set, "search", "{\"query\":\"cats\"}").text());
    assertEquals("cats x3", call(set, "search", "{\"query\":\"cats\",\"limit\":3}").text());
    assertTrue(call(set, "search", "{\"limit\":3}").isError());

    // Carried to a Beam worker: it still runs there.
    ToolSet copy = roundTrip(ToolSet.of(Tools.fromMethods(new Desk("hey"))).plus(List.of(search)));
    assertEquals("hey Rome default", call(copy, "get_weather", "{\"city\":\"Rome\"}").text());
    assertEquals("dogs x10", call(copy, "search", "{\"query\":\"dogs\"}").text());
  }

  @Test
  public void namesAreUniqueAndSettingsChecked() {
    List<ExecutableTool> desk = Tools.fromMethods(new Desk("hi"));
    assertThrows(IllegalArgumentException.class, () -> ToolSet.of(desk).plus(desk));
    assertThrows(IllegalArgumentException.class, () -> ToolSet.of(desk).withMaxParallel(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ToolSet.of(desk).withCallTimeout(java.time.Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Tools.fromMethods(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Tools.fromMethods(Desk.class));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
