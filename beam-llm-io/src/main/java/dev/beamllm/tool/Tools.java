package dev.beamllm.tool;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tools from Java code: the {@link ToolMethod} methods of an object or class, or a lambda over a
 * record of arguments. Their schemas come from parameter and component types (strings, numbers,
 * booleans, enums, records, lists, optionals, nested), their descriptions from {@link
 * ToolMethod#description()} and {@link dev.beamllm.model.Description}. The model's arguments are
 * bound to typed values; arguments that do not fit become an error result the model reads, not an
 * exception. They run on a bounded pool of their own, never on the client's threads.
 */
public final class Tools {
  private Tools() {}

  /**
   * The tools of every {@link ToolMethod} method of an object (instance and static), in name order.
   * For a Beam transform the object must be serializable.
   *
   * @throws IllegalArgumentException when there is none, or a method is not public, or parameter
   *     names were not compiled in
   */
  public static List<ExecutableTool> fromMethods(Object target) {
    return collect(target.getClass(), target);
  }

  /** The tools of every static {@link ToolMethod} method of a class, in name order. */
  public static List<ExecutableTool> fromMethods(Class<?> type) {
    return collect(type, null);
  }

  /**
   * A tool whose arguments are a record: the record's schema is the tool's, and {@code handler}
   * gets the model's arguments bound to it.
   *
   * @param name letters, digits, {@code _} and {@code -}, at most 64 characters
   */
  public static <A extends Record> ExecutableTool function(
      String name, String description, Class<A> arguments, ToolHandler<A> handler) {
    return new FunctionTool<>(name, description, arguments, handler);
  }

  /** Like {@link #function}, with strict arguments where the provider supports them. */
  public static <A extends Record> ExecutableTool strictFunction(
      String name, String description, Class<A> arguments, ToolHandler<A> handler) {
    return new FunctionTool<>(name, description, arguments, handler).withStrict(true);
  }

  /**
   * A tool the provider runs ({@link Tool#webSearch}, {@link Tool#codeInterpreter}), for a {@link
   * ToolSet}: offered to the model with the set's other tools. Its calls are made and answered by
   * the provider within one answer, so they never reach the set; one that did would get an error
   * result.
   *
   * @throws IllegalArgumentException for a tool the caller runs
   */
  public static ExecutableTool onProvider(Tool tool) {
    if (!tool.runsOnProvider()) {
      throw new IllegalArgumentException(
          "'" + tool.name() + "' is not run by the provider; give it code to run");
    }
    return new ProviderTool(tool);
  }

  /**
   * A tool offered under another definition of the same name, run by the same code: a function
   * marked as Anthropic's own tool ({@link Tool#withBuiltin}), say.
   *
   * @throws IllegalArgumentException when the definition's name differs
   */
  public static ExecutableTool offeredAs(ExecutableTool tool, Tool definition) {
    if (!tool.name().equals(definition.name())) {
      throw new IllegalArgumentException(
          "tool '" + tool.name() + "' cannot be offered as '" + definition.name() + "'");
    }
    return new RedefinedTool(tool, definition);
  }

  private static List<ExecutableTool> collect(Class<?> type, Object target) {
    List<Method> methods = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.isAnnotationPresent(ToolMethod.class)
          && (target != null || Modifier.isStatic(m.getModifiers()))) {
        methods.add(m);
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(ToolMethod.class) && !Modifier.isPublic(m.getModifiers())) {
        throw new IllegalArgumentException("tool method " + m + " must be public");
      }
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(
          type.getName()
              + " has no public @ToolMethod "
              + (target == null ? "static " : "")
              + "method");
    }
    List<ExecutableTool> tools = new ArrayList<>();
    for (Method m : methods) {
      tools.add(new MethodTool(target, m));
    }
    tools.sort(Comparator.comparing(ExecutableTool::name));
    return List.copyOf(tools);
  }
}
