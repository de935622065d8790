package dev.beamllm.beam;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Digests;
import dev.beamllm.prompt.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
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
 * parameters and tools are the same for every request, so they need not be in it. A group keeps
 * the earliest timestamp of its members.
 */
final class Dedupe extends PTransform<PCollection<LlmRequest>, PCollection<List<LlmRequest>>> {
  private static final long serialVersionUID = 1L;

  /**
   * Whether a grouping can see every request: a bounded input in the global window. (Elsewhere a
   * group would wait for its window or never fire.)
   */
  static boolean applies(PCollection<?> input) {
    return input.isBounded() == PCollection.IsBounded.BOUNDED && input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
  }

  @Override
  public PCollection<List<LlmRequest>> expand(PCollection<LlmRequest> input) {
    TimestampCombiner before = input.getWindowingStrategy().getTimestampCombiner();
    return input
        .apply("Key", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(LlmRequest.class)))
            .via((LlmRequest r) -> KV.of(key(r), r)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), LlmRequestCoder.of()))
        .apply("Earliest", Window.<KV<String, LlmRequest>>configure().withTimestampCombiner(TimestampCombiner.EARLIEST))
        .apply("Group", GroupByKey.create())
        .apply("Members", MapElements.into(new TypeDescriptor<List<LlmRequest>>() {}).via((KV<String, Iterable<LlmRequest>> kv) -> {
          List<LlmRequest> members = new ArrayList<>(1);
          kv.getValue().forEach(members::add);
          return members;
        }))
        .setCoder(ListCoder.of(LlmRequestCoder.of()))
        .apply("Rebundle", new Rebundle())
        .apply("Restore", Window.<List<LlmRequest>>configure().withTimestampCombiner(before));
  }

  /**
   * The DirectRunner hands each key's group on as a bundle of its own, and the call stage waits
   * for a bundle's requests at its end, so after a grouping by request it would keep about one
   * request in flight per thread. Regrouping the groups under a few keys and flattening them there
   * makes bundles of many requests again. Other runners bundle across keys (Flink by count,
   * Dataflow by work item), so they skip this second shuffle.
   */
  static final class Rebundle extends PTransform<PCollection<List<LlmRequest>>, PCollection<List<LlmRequest>>> {
    private static final long serialVersionUID = 1L;
    private static final int KEYS = 16;

    @Override
    public PCollection<List<LlmRequest>> expand(PCollection<List<LlmRequest>> groups) {
      if (!groups.getPipeline().getOptions().getRunner().getSimpleName().equals("DirectRunner")) {
        return groups;
      }
      ListCoder<LlmRequest> coder = ListCoder.of(LlmRequestCoder.of());
      return groups
          .apply("Spread", WithKeys.<Integer, List<LlmRequest>>of(g -> ThreadLocalRandom.current().nextInt(KEYS))
              .withKeyType(TypeDescriptors.integers()))
          .setCoder(KvCoder.of(VarIntCoder.of(), coder))
          .apply("Regroup", GroupByKey.create())
          .apply("Values", Values.create())
          .apply("Flatten", Flatten.iterables())
          .setCoder(coder);
    }
  }

  /** Equal for requests that would get the same answer. */
  static String key(LlmRequest r) {
    ObjectNode k = Json.object();
    k.put("conversation", r.conversation().fingerprint());
    r.model().ifPresent(m -> k.put("model", m));
    r.maxNewTokens().ifPresent(n -> k.put("max_new_tokens", n));
    r.temperature().ifPresent(t -> k.put("temperature", t));
    r.outputSchema().ifPresent(s -> k.set("output_schema", Json.parse(s)));
    return Digests.sha256Hex(Json.canonical(k).getBytes(StandardCharsets.UTF_8));
  }
}
