package dev.beamllm.tool;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method as a tool for {@link Tools#fromMethods}: its parameters (by name: compile
 * with {@code -parameters}) become the argument schema, described by {@link
 * dev.beamllm.model.Description}; its return value the result (text as it is, {@link ToolOutput} or
 * an image as they are, anything else as JSON).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolMethod {
  /** What the tool does, for the model. */
  String description();

  /** The tool's name; the method's name when empty. */
  String name() default "";

  /**
   * Whether the provider must hold arguments to the schema exactly (then every parameter is
   * required, an {@code Optional} one may be null).
   */
  boolean strict() default false;
}
