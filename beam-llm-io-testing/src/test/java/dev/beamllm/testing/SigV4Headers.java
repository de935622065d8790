package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * SigV4 request headers for the Bedrock tests: well-formed ones (the fake checks form, not the
 * signature, so any 64 hex digits do), and the pieces to break them.
 */
final class SigV4Headers {
  static final String ACCESS_KEY = "AKIDEXAMPLE";
  static final String DATE =
      ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
  static final String SIGNATURE =
      Digests.sha256Hex("any signature".getBytes(StandardCharsets.UTF_8));

  private SigV4Headers() {}

  /** A well-formed {@code Authorization} value for the access key. */
  static String authorization(String accessKey) {
    return authorization(
        accessKey + "/" + DATE.substring(0, 8) + "/us-east-1/bedrock/aws4_request",
        "content-type;host;x-amz-date",
        SIGNATURE);
  }

  /** An {@code Authorization} value from its three parameters. */
  static String authorization(String credential, String signedHeaders, String signature) {
    return "AWS4-HMAC-SHA256 Credential="
        + credential
        + ", SignedHeaders="
        + signedHeaders
        + ", Signature="
        + signature;
  }

  /** {@code authorization} and {@code x-amz-date} header pairs for {@link Http#post}. */
  static String[] signed(String authorization) {
    return new String[] {"authorization", authorization, "x-amz-date", DATE};
  }
}
