package dev.beamllm.beam;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.SchemaProvider;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A Beam schema for Java records, which Beam 2.70 cannot infer ({@code JavaFieldSchema} sees only
 * public fields, and a record's are private): one field per component, in declaration order, named
 * as the component. Mapped: strings, the primitive types and their boxes, {@link BigDecimal}, enums
 * (by name), lists and arrays ({@code byte[]} as bytes), maps with string keys, nested records, and
 * {@link Optional}. A field is nullable when its component is an {@code Optional} or carries any
 * annotation named {@code Nullable}, the same rule {@link dev.beamllm.extract.JsonSchemas} applies,
 * so the rows agree with the JSON schema the model was held to.
 *
 * <p>{@link LlmIO#extract(Class)} registers it for a record class that has no schema of its own;
 * annotate a record with {@code @DefaultSchema(RecordSchema.class)} to use it elsewhere.
 */
public final class RecordSchema implements SchemaProvider {
  private static final long serialVersionUID = 1L;

  /** A provider for every record class it is asked about. */
  public RecordSchema() {}

  @Override
  public <T> Schema schemaFor(TypeDescriptor<T> type) {
    return schema(recordClass(type.getRawType()));
  }

  @Override
  public <T> SerializableFunction<T, Row> toRowFunction(TypeDescriptor<T> type) {
    Class<?> cls = recordClass(type.getRawType());
    return value -> toRow(cls, value);
  }

  @Override
  public <T> SerializableFunction<Row, T> fromRowFunction(TypeDescriptor<T> type) {
    @SuppressWarnings("unchecked")
    Class<T> cls = (Class<T>) recordClass(type.getRawType());
    return row -> cls.cast(fromRow(cls, row));
  }

  private static Class<?> recordClass(Class<?> c) {
    if (!c.isRecord()) {
      throw new IllegalArgumentException(c.getName() + " is not a record");
    }
    return c;
  }

  /** The schema of a record class. */
  static Schema schema(Class<?> record) {
    Schema.Builder b = Schema.builder();
    for (RecordComponent c : record.getRecordComponents()) {
      FieldType t = fieldType(c.getGenericType(), c.getName());
      b.addField(c.getName(), nullable(c) ? t.withNullable(true) : t);
    }
    return b.build();
  }

  private static boolean nullable(RecordComponent c) {
    if (c.getType() == Optional.class) {
      return true;
    }
    if (c.getType().isPrimitive()) {
      return false;
    }
    List<Annotation> all = new ArrayList<>(Arrays.asList(c.getAnnotations()));
    all.addAll(Arrays.asList(c.getAnnotatedType().getAnnotations()));
    return all.stream().anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
  }

  private static FieldType fieldType(Type type, String where) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return fieldType(args[0], where);
      }
      if (Collection.class.isAssignableFrom(raw)) {
        return FieldType.array(fieldType(args[0], where));
      }
      if (Map.class.isAssignableFrom(raw) && args[0] == String.class) {
        return FieldType.map(FieldType.STRING, fieldType(args[1], where));
      }
      throw unsupported(type, where);
    }
    if (type instanceof GenericArrayType g) {
      return FieldType.array(fieldType(g.getGenericComponentType(), where));
    }
    if (!(type instanceof Class<?> c)) {
      throw unsupported(type, where);
    }
    if (c == String.class || c == char.class || c == Character.class || c.isEnum()) {
      return FieldType.STRING;
    }
    if (c == int.class || c == Integer.class) {
      return FieldType.INT32;
    }
    if (c == long.class || c == Long.class) {
      return FieldType.INT64;
    }
    if (c == short.class || c == Short.class) {
      return FieldType.INT16;
    }
    if (c == byte.class || c == Byte.class) {
      return FieldType.BYTE;
    }
    if (c == double.class || c == Double.class) {
      return FieldType.DOUBLE;
    }
    if (c == float.class || c == Float.class) {
      return FieldType.FLOAT;
    }
    if (c == boolean.class || c == Boolean.class) {
      return FieldType.BOOLEAN;
    }
    if (c == BigDecimal.class) {
      return FieldType.DECIMAL;
    }
    if (c == byte[].class) {
      return FieldType.BYTES;
    }
    if (c.isArray()) {
      return FieldType.array(fieldType(c.getComponentType(), where));
    }
    if (c.isRecord()) {
      return FieldType.row(schema(c));
    }
    throw unsupported(type, where);
  }

  private static IllegalArgumentException unsupported(Type type, String where) {
    return new IllegalArgumentException(
        "record component " + where + ": no Beam schema type for " + type.getTypeName());
  }

  private static Row toRow(Class<?> record, Object value) {
    Schema schema = schema(record);
    List<Object> values = new ArrayList<>();
    for (RecordComponent c : record.getRecordComponents()) {
      Object v;
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        v = accessor.invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + record.getName() + "." + c.getName(), e);
      }
      values.add(toField(v, schema.getField(c.getName()).getType()));
    }
    return Row.withSchema(schema).addValues(values).build();
  }

  private static Object toField(Object v, FieldType t) {
    if (v instanceof Optional<?> o) {
      v = o.orElse(null);
    }
    if (v == null) {
      return null;
    }
    switch (t.getTypeName()) {
      case STRING:
        return v instanceof Enum<?> e ? e.name() : v.toString();
      case ARRAY:
        {
          List<Object> out = new ArrayList<>();
          if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
              out.add(toField(Array.get(v, i), t.getCollectionElementType()));
            }
          } else {
            for (Object e : (Collection<?>) v) {
              out.add(toField(e, t.getCollectionElementType()));
            }
          }
          return out;
        }
      case MAP:
        {
          Map<Object, Object> out = new LinkedHashMap<>();
          ((Map<?, ?>) v).forEach((k, x) -> out.put(k, toField(x, t.getMapValueType())));
          return out;
        }
      case ROW:
        return toRow(v.getClass(), v);
      default:
        return v;
    }
  }

  private static Object fromRow(Class<?> record, Row row) {
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      args[i] = fromField(row.getValue(c.getName()), c.getGenericType());
    }
    try {
      Constructor<?> ctor = record.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + record.getName() + " from " + row, e);
    }
  }

  private static Object fromField(Object v, Type type) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return Optional.ofNullable(v == null ? null : fromField(v, args[0]));
      }
      if (v == null) {
        return null;
      }
      if (Collection.class.isAssignableFrom(raw)) {
        List<Object> out = new ArrayList<>();
        for (Object e : (Iterable<?>) v) {
          out.add(fromField(e, args[0]));
        }
        if (java.util.Set.class.isAssignableFrom(raw)) {
          return new java.util.LinkedHashSet<>(out);
        }
        return java.util.Collections.unmodifiableList(out);
      }
      Map<Object, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(k, fromField(x, args[1])));
      return out;
    }
    if (v == null) {
      return null;
    }
    if (type instanceof GenericArrayType g) {
      throw unsupported(g, "array of generics");
    }
    Class<?> c = (Class<?>) type;
    if (c.isEnum()) {
      return enumValue(c, (String) v);
    }
    if (c == char.class || c == Character.class) {
      return ((String) v).charAt(0);
    }
    if (c.isArray() && c != byte[].class) {
      List<?> items = v instanceof List<?> l ? l : List.copyOf((Collection<?>) v);
      Object out = Array.newInstance(c.getComponentType(), items.size());
      for (int i = 0; i < items.size(); i++) {
        Array.set(out, i, fromField(items.get(i), c.getComponentType()));
      }
      return out;
    }
    if (c.isRecord()) {
      return fromRow(c, (Row) v);
    }
    return v;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> c, String name) {
    return Enum.valueOf((Class) c, name);
  }
}
