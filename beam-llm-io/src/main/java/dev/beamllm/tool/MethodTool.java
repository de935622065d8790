package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.Description;
import dev.beamllm.model.RecordSchemas;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A tool that calls a Java method annotated {@link ToolMethod}. */
final class MethodTool implements ExecutableTool {
  private static final long serialVersionUID = 1L;

  /** The instance the method is called on; null for a static method. */
  private final Object target;

  private final Class<?> owner;
  private final String methodName;
  private final Class<?>[] parameterTypes;
  private final Tool definition;
  private transient Method method;

  MethodTool(Object target, Method method) {
    ToolMethod spec = method.getAnnotation(ToolMethod.class);
    if (!Modifier.isPublic(method.getModifiers())) {
      throw new IllegalArgumentException("tool method " + method + " must be public");
    }
    if (target == null && !Modifier.isStatic(method.getModifiers())) {
      throw new IllegalArgumentException(
          "tool method "
              + method
              + " is an instance method: pass an instance to Tools.fromMethods");
    }
    this.target = Modifier.isStatic(method.getModifiers()) ? null : target;
    this.owner = method.getDeclaringClass();
    this.methodName = method.getName();
    this.parameterTypes = method.getParameterTypes();
    this.method = method;
    String name = spec.name().isEmpty() ? method.getName() : spec.name();
    this.definition =
        new Tool(name, spec.description(), schema(method, spec.strict()), spec.strict());
  }

  @Override
  public Tool definition() {
    return definition;
  }

  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    return CompletableFuture.supplyAsync(() -> invoke(argumentsJson), ToolThreads.EXECUTOR);
  }

  private ToolOutput invoke(String argumentsJson) {
    try {
      ObjectNode args = ToolArguments.parse(argumentsJson, definition);
      Parameter[] params = method.getParameters();
      Object[] values = new Object[params.length];
      for (int i = 0; i < params.length; i++) {
        values[i] = value(args.get(params[i].getName()), params[i]);
      }
      Object result = method.invoke(target, values);
      return method.getReturnType() == void.class
          ? ToolOutput.text("done")
          : ToolArguments.output(result);
    } catch (Exception | LinkageError e) {
      return ToolArguments.failure(definition.name(), e);
    }
  }

  private static Object value(JsonNode node, Parameter p) throws ToolArguments.Invalid {
    Type type = p.getParameterizedType();
    boolean optional = p.getType() == Optional.class;
    if (node == null) {
      // Only an optional one may be absent: the schema check has refused the rest.
      return optional ? Optional.empty() : null;
    }
    return ToolArguments.bind(node, type, p.getName());
  }

  /**
   * The object schema of a method's parameters: each a property by name with its {@link
   * Description}; required unless {@code Optional} (strict: all required, an optional one
   * nullable).
   */
  static String schema(Method method, boolean strict) {
    ObjectNode s = Json.object();
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    var required = s.putArray("required");
    for (Parameter p : method.getParameters()) {
      if (!p.isNamePresent()) {
        throw new IllegalArgumentException(
            "the parameters of tool method "
                + method.getName()
                + " have no names: compile with -parameters (javac) or <parameters>true</parameters>"
                + " (maven-compiler-plugin)");
      }
      ObjectNode property = (ObjectNode) Json.parse(RecordSchemas.ofType(p.getParameterizedType()));
      Description d = p.getAnnotation(Description.class);
      if (d != null) {
        property.put("description", d.value());
      }
      props.set(p.getName(), property);
      if (strict || p.getType() != Optional.class) {
        required.add(p.getName());
      }
    }
    s.put("additionalProperties", false);
    return Json.canonical(s);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    try {
      method = owner.getMethod(methodName, parameterTypes);
    } catch (NoSuchMethodException e) {
      throw new IOException("tool method " + owner.getName() + "." + methodName + " is gone", e);
    }
  }
}
