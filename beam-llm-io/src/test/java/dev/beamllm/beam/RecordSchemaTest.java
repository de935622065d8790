package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.junit.Test;

/** {@link RecordSchema}: a record's components as a Beam schema, to rows and back unchanged. */
public class RecordSchemaTest {
  /** A nested record. */
  public record Line(String sku, int quantity) {}

  /** A kind of order. */
  public enum Kind {
    WEB,
    SHOP
  }

  /** A record with nested, list, optional and enum components. */
  public record Order(
      String id, double total, Optional<String> note, List<Line> lines, Kind kind) {}

  @Test
  public void recordsGetASchemaAndRoundTrip() throws Exception {
    RecordSchema provider = new RecordSchema();
    TypeDescriptor<Order> type = TypeDescriptor.of(Order.class);
    Schema schema = provider.schemaFor(type);
    assertEquals(List.of("id", "total", "note", "lines", "kind"), schema.getFieldNames());
    assertTrue(schema.getField("note").getType().getNullable());
    assertFalse(schema.getField("id").getType().getNullable());
    assertEquals(Schema.TypeName.ARRAY, schema.getField("lines").getType().getTypeName());

    Order order = new Order("o1", 12.5, Optional.empty(), List.of(new Line("a", 2)), Kind.SHOP);
    Row row = provider.toRowFunction(type).apply(order);
    assertEquals("SHOP", row.getString("kind"));
    assertEquals(order, provider.fromRowFunction(type).apply(row));

    SchemaCoder<Order> coder =
        SchemaCoder.of(schema, type, provider.toRowFunction(type), provider.fromRowFunction(type));
    CoderProperties.coderDecodeEncodeEqual(coder, order);
    CoderProperties.coderDecodeEncodeEqual(
        coder, new Order("o2", 0, Optional.of("gift"), List.of(), Kind.WEB));
  }
}
