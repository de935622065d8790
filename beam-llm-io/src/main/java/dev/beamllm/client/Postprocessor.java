package dev.beamllm.client;

import dev.beamllm.response.ApiResponse;
import java.io.Serializable;

/** A hook that may rewrite every successful answer before it is cached and returned. */
@FunctionalInterface
public interface Postprocessor extends Serializable {
  /** The answer to keep. */
  ApiResponse apply(ApiResponse response);
}
