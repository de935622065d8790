package dev.beamllm.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a record component or a tool method's parameter means, for the model: it becomes the {@code
 * description} of that property in the JSON schema ({@link RecordSchemas}, tools made from Java
 * methods).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD})
public @interface Description {
  /** The description. */
  String value();
}
