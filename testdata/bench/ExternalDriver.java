package dev.beamllm.pipelines.bench;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.LlmClient;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.testing.FakeProviderServer;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;

/**
 * Client and LlmIO throughput against a fake provider in another JVM, so the CPU measured is the
 * library's alone (LlmIOBench runs the fake in its own JVM, where the fake's work and JIT mix with
 * the client's). Arguments: the fake's URL, runs, a label. Compile and run it against any build's
 * shaded jar (for builds before issue 10, SamplingParams is in dev.beamllm.client):
 *
 * <pre>
 * java -cp pipelines/target/beam-llm-io-pipelines.jar dev.beamllm.pipelines.FakeServerCommand --port 18111 --no-log &amp;
 * javac -d /tmp/drv -cp pipelines/target/beam-llm-io-pipelines.jar testdata/bench/ExternalDriver.java
 * java -cp /tmp/drv:pipelines/target/beam-llm-io-pipelines.jar dev.beamllm.pipelines.bench.ExternalDriver http://127.0.0.1:18111 8 after
 * </pre>
 */
public class ExternalDriver {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int runs = Integer.parseInt(args[1]);
    ModelRegistry r = FakeProviderServer.pointRegistry(ModelRegistry.defaults(), url);
    ModelSpec m = r.lookup("gpt-4.1-mini");
    ModelRegistry registry = r.withModel(m.toBuilder().setApiKeyEnv(null).build());
    int n = 20_000;
    List<Conversation> input = LlmIOBench.conversations(n);
    var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int run = 0; run < runs; run++) {
      long cpu0 = bean.getProcessCpuTime();
      long t0 = System.nanoTime();
      try (LlmClient c =
          LlmClient.builder()
              .models("gpt-4.1-mini")
              .registry(registry)
              .apiKeys(ApiKeys.fromEnvironment())
              .progress(StatusTracker.Display.NONE)
              .samplingParams(SamplingParams.defaults().withMaxNewTokens(16))
              .build()) {
        c.processPrompts(input);
      }
      double client = n / ((System.nanoTime() - t0) / 1e9);
      double clientCpu = (bean.getProcessCpuTime() - cpu0) / 1e6 / n;
      DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
      options.setEnforceImmutability(false);
      options.setEnforceEncodability(false);
      Pipeline p = Pipeline.create(options);
      p.apply(Create.of(input))
          .apply(
              LlmIO.complete()
                  .withModels("gpt-4.1-mini")
                  .withRegistry(registry)
                  .withSamplingParams(SamplingParams.defaults().withMaxNewTokens(16)))
          .responses()
          .apply(Count.globally());
      cpu0 = bean.getProcessCpuTime();
      t0 = System.nanoTime();
      p.run().waitUntilFinish();
      double io = n / ((System.nanoTime() - t0) / 1e9);
      double ioCpu = (bean.getProcessCpuTime() - cpu0) / 1e6 / n;
      System.out.printf(
          "%s run %d client %.0f/s %.3f ms cpu | LlmIO %.0f/s %.3f ms cpu%n",
          args[2], run, client, clientCpu, io, ioCpu);
    }
    System.exit(0);
  }
}
