package dev.beamllm.response;

import com.google.auto.value.AutoValue;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ToolCall;
import java.util.List;
import java.util.Optional;

/**
 * A model's answer to one conversation: the assistant message with its text, tool calls and
 * thinking, plus usage. Provider adapters build these; {@link
 * dev.beamllm.prompt.Conversation#withResponse} continues a conversation with one.
 */
@AutoValue
public abstract class ApiResponse {

  /** The registry id of the model that answered. */
  public abstract String model();

  /** The assistant message: text, tool calls and thinking, in the provider's order. */
  public abstract Message message();

  /** Why generation stopped, in the provider's words ({@code stop}, {@code tool_use}, ...), if given. */
  public abstract Optional<String> finishReason();

  /** Tokens used. */
  public abstract Usage usage();

  /** The text parts of the answer joined by newlines. */
  public String completion() {
    return message().text();
  }

  /** The tool calls the model asked for. */
  public List<ToolCall> toolCalls() {
    return message().partsOf(ToolCall.class);
  }

  /** A builder with zero usage. */
  public static Builder builder() {
    return new AutoValue_ApiResponse.Builder().setUsage(Usage.ZERO);
  }

  /** Builds {@link ApiResponse}s. */
  @AutoValue.Builder
  public abstract static class Builder {
    /** Sets the model id. */
    public abstract Builder setModel(String model);

    /** Sets the assistant message. */
    public abstract Builder setMessage(Message message);

    /** Sets the finish reason. */
    public abstract Builder setFinishReason(String finishReason);

    /** Sets the usage. */
    public abstract Builder setUsage(Usage usage);

    abstract ApiResponse autoBuild();

    /** Builds the response; the message must be an assistant message. */
    public ApiResponse build() {
      ApiResponse response = autoBuild();
      if (response.message().role() != Role.ASSISTANT) {
        throw new IllegalArgumentException(
            "an API response carries an assistant message, got " + response.message().role());
      }
      return response;
    }
  }
}
