package dev.beamllm.prompt;

/**
 * Thrown when a prompt cannot be used as given: a missing image file, an unknown media type, an
 * empty conversation, a tool result without its call. The message names the problem and where it
 * is.
 */
public class InvalidPromptException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that names the problem and its place. */
  public InvalidPromptException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public InvalidPromptException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Returns a copy whose message is prefixed with where the problem is, e.g. "message 3". */
  public InvalidPromptException at(String where) {
    return new InvalidPromptException(
        where + ": " + getMessage(), getCause() == null ? this : getCause());
  }
}
