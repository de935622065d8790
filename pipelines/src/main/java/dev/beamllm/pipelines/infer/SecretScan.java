package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.model.pipeline.v1.RunnerApi;
import org.xerial.snappy.SnappyInputStream;

/**
 * Searches a serialized job for secrets the launcher knows: its API keys and the Redis passwords of
 * its options. It looks at the text and inside what runners encode there: Beam's serialized
 * functions (bytes escaped as {@code %xx}, Snappy-compressed Java serialization), base64 blobs, and
 * the transforms of a staged pipeline proto, so a key hidden by an encoding is found as well.
 */
final class SecretScan {
  // Shorter values would match by chance (and are no real key or AUTH string).
  private static final int MIN_SECRET_LENGTH = 6;

  private SecretScan() {}

  /**
   * Where each secret was found, by its label (e.g. "OPENAI_API_KEY", "the --cache password");
   * labels of secrets found nowhere are absent. Never holds a secret's value.
   */
  static Map<String, List<String>> find(String serializedJob, Map<String, String> secrets) {
    return find(serializedJob, Map.of(), secrets);
  }

  /**
   * As {@link #find(String, Map)}, searching also the files a runner generated beside the job (a
   * pipeline proto: bytes, with Snappy streams inside).
   */
  static Map<String, List<String>> find(
      String serializedJob, Map<String, byte[]> generatedFiles, Map<String, String> secrets) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    List<String[]> texts = new ArrayList<>();
    texts.add(new String[] {"the job's text", serializedJob});
    try {
      collect(Json.parse(serializedJob), texts);
    } catch (RuntimeException notJson) {
      // Plain text only.
    }
    generatedFiles.forEach(
        (name, bytes) -> {
          texts.add(new String[] {"the staged " + name, latin1(bytes)});
          for (byte[] payload : protoPayloads(bytes)) {
            texts.add(
                new String[] {"a serialized function in the staged " + name, latin1(payload)});
          }
        });
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      String value = s.getValue();
      if (!searchable(value)) {
        continue;
      }
      for (String[] t : texts) {
        List<String> places = found.computeIfAbsent(s.getKey(), k -> new ArrayList<>());
        if (t[1].contains(value) && !places.contains(t[0])) {
          places.add(t[0]);
        }
      }
    }
    found.values().removeIf(List::isEmpty);
    return found;
  }

  /** Whether a value is long enough to search for without matching by chance. */
  static boolean searchable(String value) {
    return value != null && value.length() >= MIN_SECRET_LENGTH;
  }

  /** A Redis URI's password, or null when it gives none (or is no URI). */
  static String redisPassword(String uri) {
    if (uri == null) {
      return null;
    }
    try {
      String info = new URI(uri.strip()).getRawUserInfo();
      if (info == null) {
        return null;
      }
      int colon = info.indexOf(':');
      String raw = colon < 0 ? info : info.substring(colon + 1);
      return raw.isEmpty()
          ? null
          : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return null;
    }
  }

  /** Every string of the JSON decoded the ways runners encode bytes in it. */
  private static void collect(JsonNode node, List<String[]> texts) {
    if (node.isTextual()) {
      String v = node.asText();
      byte[] escaped = percentDecoded(v);
      if (escaped != null) {
        texts.add(new String[] {"a serialized function", latin1(unsnappy(escaped))});
        texts.add(new String[] {"a serialized function", latin1(escaped)});
      }
      if (v.length() >= 16 && v.matches("[A-Za-z0-9+/=_-]+")) {
        try {
          byte[] b = Base64.getMimeDecoder().decode(v.replace('-', '+').replace('_', '/'));
          texts.add(new String[] {"a base64 value", latin1(unsnappy(b))});
          texts.add(new String[] {"a base64 value", latin1(b)});
        } catch (IllegalArgumentException notBase64) {
          // Not base64: the text was searched already.
        }
      }
    }
    node.forEach(child -> collect(child, texts));
  }

  /**
   * Bytes Beam wrote with {@code StringUtils.byteArrayToJsonString} (printable ASCII as is, other
   * bytes and {@code %} as {@code %xx}); null when the text has no such escape.
   */
  private static byte[] percentDecoded(String v) {
    if (!v.contains("%")) {
      return null;
    }
    byte[] out = new byte[v.length()];
    int n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' && i + 2 < v.length()) {
        try {
          out[n++] = (byte) Integer.parseInt(v.substring(i + 1, i + 3), 16);
          i += 2;
          continue;
        } catch (NumberFormatException e) {
          return null;
        }
      }
      out[n++] = (byte) c;
    }
    byte[] exact = new byte[n];
    System.arraycopy(out, 0, exact, 0, n);
    return exact;
  }

  private static final byte[] SNAPPY_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

  /**
   * The bytes uncompressed when they are one whole Snappy stream (what Beam's {@code
   * SerializableUtils} writes), else as they are.
   */
  private static byte[] unsnappy(byte[] b) {
    if (b.length < SNAPPY_MAGIC.length
        || !Arrays.equals(Arrays.copyOf(b, SNAPPY_MAGIC.length), SNAPPY_MAGIC)) {
      return b;
    }
    try (InputStream in = new SnappyInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException | RuntimeException notSnappy) {
      return b;
    }
  }

  /**
   * Every transform payload of a Beam pipeline proto, and the function inside each ParDo's, each
   * uncompressed: where a Runner v2 job keeps its serialized transforms. Empty when the bytes are
   * no pipeline proto.
   */
  private static List<byte[]> protoPayloads(byte[] proto) {
    List<byte[]> out = new ArrayList<>();
    try {
      RunnerApi.Pipeline p = RunnerApi.Pipeline.parseFrom(proto);
      for (RunnerApi.PTransform t : p.getComponents().getTransformsMap().values()) {
        byte[] payload = t.getSpec().getPayload().toByteArray();
        out.add(payload);
        if (t.getSpec().getUrn().equals("beam:transform:pardo:v1")) {
          out.add(
              unsnappy(
                  RunnerApi.ParDoPayload.parseFrom(payload).getDoFn().getPayload().toByteArray()));
        }
      }
    } catch (Exception notAPipeline) {
      // Searched as bytes only.
    }
    return out;
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
