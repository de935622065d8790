package dev.beamllm.provider;

import dev.beamllm.prompt.InvalidPromptException;

/** A part that a provider's API cannot carry, such as an image URL for Bedrock Converse. */
public class UnsupportedPartException extends InvalidPromptException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the API and the part. */
  public UnsupportedPartException(String api, String problem) {
    super(api + " cannot take " + problem);
  }
}
