package dev.beamllm.tool;

import java.io.Serializable;

/**
 * The code of a tool made from a lambda ({@link Tools#function}): takes the arguments bound to a
 * record, returns the result (text, a {@link ToolOutput}, an image, or anything JSON can show).
 * Serializable, so a Beam transform can carry it.
 *
 * @param <A> the arguments' record type
 */
@FunctionalInterface
public interface ToolHandler<A> extends Serializable {
  /** Runs the tool; an exception becomes an error result the model sees. */
  Object apply(A arguments) throws Exception;
}
