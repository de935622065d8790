package dev.beamllm.beam;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Groups identical requests of one run so each is sent once: the key is the conversation's
 * fingerprint (not its id or metadata) and the request's own settings; the transform's models,
 * parameters and tools are the same for every request, so they need not be in it. Each group is a
 * {@link RequestGroup} with no model to avoid, keeping the earliest timestamp of its members.
 */
final class Dedupe extends PTransform<PCollection<LlmRequest>, PCollection<RequestGroup>> {
  private static final long serialVersionUID = 1L;

  /**
   * Whether a grouping can see every request: a bounded input in the global window. (Elsewhere a
   * group would wait for its window or never fire.)
   */
  static boolean applies(PCollection<?> input) {
    return input.isBounded() == PCollection.IsBounded.BOUNDED
        && input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
  }

  /**
   * On the DirectRunner requests are grouped under a few shards rather than one key each: that
   * runner hands every key's group on as a bundle of its own, and the call stage waits for a
   * bundle's requests at its end, so one key per request would keep about one request in flight per
   * thread (and cost a bundle per row). The DirectRunner holds its input in memory anyway. Other
   * runners bundle across keys and stream a group's values, so they group by request.
   */
  static final int DIRECT_RUNNER_SHARDS = 16;

  @Override
  public PCollection<RequestGroup> expand(PCollection<LlmRequest> input) {
    TimestampCombiner before = input.getWindowingStrategy().getTimestampCombiner();
    boolean sharded =
        input.getPipeline().getOptions().getRunner().getSimpleName().equals("DirectRunner");
    return input
        .apply(
            "Key",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.strings(),
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(LlmRequest.class))))
                .via(
                    (LlmRequest r) -> {
                      String key = key(r);
                      return KV.of(
                          sharded
                              ? Integer.toString(
                                  Math.floorMod(key.hashCode(), DIRECT_RUNNER_SHARDS))
                              : key,
                          KV.of(key, r));
                    }))
        .setCoder(
            KvCoder.of(
                StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), LlmRequestCoder.of())))
        .apply(
            "Earliest",
            Window.<KV<String, KV<String, LlmRequest>>>configure()
                .withTimestampCombiner(TimestampCombiner.EARLIEST))
        .apply("Group", GroupByKey.create())
        .apply("Members", ParDo.of(new MembersFn()))
        .setCoder(RequestGroupCoder.of())
        .apply("Restore", Window.<RequestGroup>configure().withTimestampCombiner(before));
  }

  /** A shard's (or key's) requests by request key: one group of identical requests each. */
  static final class MembersFn
      extends DoFn<KV<String, Iterable<KV<String, LlmRequest>>>, RequestGroup> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KV<String, LlmRequest>>> group,
        OutputReceiver<RequestGroup> out) {
      Map<String, List<LlmRequest>> byKey = new LinkedHashMap<>();
      for (KV<String, LlmRequest> kv : group.getValue()) {
        byKey.computeIfAbsent(kv.getKey(), k -> new ArrayList<>(1)).add(kv.getValue());
      }
      byKey.values().forEach(identical -> out.output(RequestGroup.of(identical)));
    }
  }

  /** Equal for requests that would get the same answer. */
  static String key(LlmRequest r) {
    ObjectNode k = Json.object();
    k.put("conversation", r.conversation().fingerprint());
    r.model().ifPresent(m -> k.put("model", m));
    r.preferredModel().ifPresent(m -> k.put("preferred_model", m));
    r.serviceTier().ifPresent(t -> k.put("service_tier", t));
    r.maxNewTokens().ifPresent(n -> k.put("max_new_tokens", n));
    r.temperature().ifPresent(t -> k.put("temperature", t));
    r.outputSchema().ifPresent(s -> k.set("output_schema", Json.parse(s)));
    return Digests.sha256Hex(Json.canonical(k).getBytes(StandardCharsets.UTF_8));
  }
}
