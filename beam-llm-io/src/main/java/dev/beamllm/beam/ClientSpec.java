package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.StatusTracker;
import java.io.Serializable;
import java.util.UUID;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a non-chat transform needs for the JVM's shared client ({@link SharedClients}): the
 * transform's id, the client configuration of the whole job, how many workers share its limits, and
 * the client factory (a test seam). Immutable; each {@code withX} checks its argument at once.
 */
@AutoValue
abstract class ClientSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Keys the JVM's shared client, so every DoFn instance of one transform finds the same one. */
  abstract String transformId();

  /** The client configuration of the whole job. */
  abstract ClientConfig config();

  /** How many workers share the limits. */
  abstract int numWorkers();

  abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactoryOrNull();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTransformId(String id);

    abstract Builder setConfig(ClientConfig config);

    abstract Builder setNumWorkers(int n);

    abstract Builder setClientFactoryOrNull(
        @Nullable SerializableFunction<ClientConfig, LlmService> f);

    abstract ClientSpec build();
  }

  /** A new transform's spec: the model alone, no progress display (the runner shows progress). */
  static ClientSpec of(String model) {
    return new AutoValue_ClientSpec.Builder()
        .setTransformId(UUID.randomUUID().toString())
        .setConfig(
            ClientConfig.defaults().withModels(model).withProgress(StatusTracker.Display.NONE))
        .setNumWorkers(1)
        .build();
  }

  ClientSpec withConfig(ClientConfig config) {
    return toBuilder().setConfig(config).build();
  }

  /** Each JVM enforces limits / n. */
  ClientSpec withNumWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("numWorkers: must be at least 1, got " + n);
    }
    return toBuilder().setNumWorkers(n).build();
  }

  ClientSpec withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
    return toBuilder().setClientFactoryOrNull(factory).build();
  }

  /**
   * The factory of the JVM's client: the test's, or a real {@link dev.beamllm.client.LlmClient}.
   */
  SerializableFunction<ClientConfig, LlmService> clientFactory() {
    SerializableFunction<ClientConfig, LlmService> f = clientFactoryOrNull();
    return f != null ? f : LlmService::fromConfig;
  }

  /**
   * One worker's configuration: limits held in Redis are namespaced by the job's name (unless
   * named), so jobs do not share them by accident; local limits are this worker's share.
   */
  ClientConfig workerConfig(PipelineOptions options) {
    ClientConfig c = config();
    if (c.sharedLimits().isPresent()) {
      return c.withSharedLimits(c.sharedLimits().get().withDefaultNamespace(options.getJobName()));
    }
    return c.withLimits(c.limits().share(numWorkers()));
  }
}
