package dev.beamllm.provider.bedrock;

import dev.beamllm.model.BedrockProfiles;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpCall;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Where and how a Bedrock runtime request goes: {@code POST {api_base}/model/{model id,
 * URL-encoded}/{operation}}, authenticated by a Bedrock API key ({@code Authorization: Bearer})
 * when one is set, else signed with SigV4 by the AWS SDK's {@link AwsV4HttpSigner} (service {@code
 * bedrock}).
 *
 * <p>The region is the one in the model's {@code api_base} host ({@code
 * bedrock-runtime.<region>.amazonaws.com}); a region pinned by the model's name ({@code
 * model@eu-west-1}), else the environment variable {@code AWS_REGION}, overrides it, moving the
 * host to that region too, so the URL and the signature always agree. A base URL that is not
 * Bedrock's own host (a proxy, a VPC endpoint, a local fake) is kept as it is and signed for {@code
 * AWS_REGION}, or {@code us-east-1} when that is unset.
 */
final class BedrockEndpoint {
  /** The SigV4 signing name of the Bedrock runtime. */
  static final String SERVICE = "bedrock";

  /** The region signed for when neither the base URL nor {@code AWS_REGION} names one. */
  static final String DEFAULT_REGION = "us-east-1";

  private static final Pattern BEDROCK_HOST =
      Pattern.compile("bedrock-runtime(-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com");
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private BedrockEndpoint() {}

  /**
   * The base URL for a model: its {@code api_base}, moved to its pinned region or else to {@code
   * AWS_REGION} if set.
   */
  static String baseUrl(ModelSpec model) {
    return target(model.apiBase(), region(model)).baseUrl();
  }

  /** The region a model's name pins ({@code @eu-west-1}), else {@code AWS_REGION} (may be null). */
  private static String region(ModelSpec model) {
    return model.region().orElseGet(() -> System.getenv("AWS_REGION"));
  }

  /**
   * The path of one operation ({@code invoke}, {@code converse}) of a model, its inference profile
   * moved to the geography of a region given by name or {@code AWS_REGION}.
   */
  static String path(ModelSpec model, String operation) {
    // A geography's profile can be called only from its own regions, so it moves with the region.
    String region = region(model);
    String id =
        region == null || region.isBlank()
            ? model.apiName()
            : BedrockProfiles.idIn(model.apiName(), region.trim());
    // The model id is one path segment: its ':' (and an ARN's '/') must be encoded.
    return "/model/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/" + operation;
  }

  /**
   * The headers that authenticate with a Bedrock API key ({@code authorization: Bearer}), and
   * {@code accept}; none when there is no key, and the call is signed instead ({@link #signed}).
   */
  static Map<String, String> headers(Credentials credentials) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("accept", "application/json");
    credentials.key().ifPresent(k -> headers.put("authorization", "Bearer " + k));
    return headers;
  }

  /**
   * The call signed with SigV4 for the model's region when there is no API key but AWS keys; else
   * the call unchanged.
   */
  static HttpCall signed(HttpCall call, ModelSpec model, Credentials credentials) {
    if (credentials.key().isPresent()
        || credentials.awsAccessKeyId().isEmpty()
        || credentials.awsSecretKey().isEmpty()) {
      return call;
    }
    String region = target(model.apiBase(), region(model)).region();
    Map<String, String> headers = new LinkedHashMap<>(call.headers());
    headers.putAll(sign(call.uri(), call.headers(), call.body(), credentials, region));
    return new HttpCall(call.method(), call.uri(), headers, call.body());
  }

  /**
   * The SigV4 headers for a request: {@code Authorization}, {@code X-Amz-Date}, and {@code
   * X-Amz-Security-Token} for session credentials (with whatever else the signer adds). The signer
   * also signs {@code Host}, which the HTTP client sets itself from the same URI.
   */
  private static Map<String, String> sign(
      URI uri, Map<String, String> headers, String body, Credentials c, String region) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
    headers.forEach(request::putHeader);
    String id = c.awsAccessKeyId().orElseThrow();
    String secret = c.awsSecretKey().orElseThrow();
    AwsCredentialsIdentity identity =
        c.awsSessionToken()
            .<AwsCredentialsIdentity>map(
                token -> AwsSessionCredentialsIdentity.create(id, secret, token))
            .orElseGet(() -> AwsCredentialsIdentity.create(id, secret));
    SdkHttpRequest signed =
        SIGNER
            .sign(
                s ->
                    s.identity(identity)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region))
            .request();
    Map<String, String> added = new LinkedHashMap<>();
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("host")
                  && !headers.containsKey(name.toLowerCase(Locale.ROOT))
                  && !values.isEmpty()) {
                added.put(name, values.get(0));
              }
            });
    return added;
  }

  /**
   * The base URL and signing region for a model's {@code api_base} and the {@code AWS_REGION}
   * variable (null or blank when unset).
   */
  static Target target(String apiBase, String awsRegion) {
    String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
    boolean override = awsRegion != null && !awsRegion.isBlank();
    URI uri = URI.create(base);
    Matcher m = BEDROCK_HOST.matcher(uri.getHost() == null ? "" : uri.getHost());
    if (!m.matches()) {
      return new Target(base, override ? awsRegion.trim() : DEFAULT_REGION);
    }
    if (!override) {
      return new Target(base, m.group(2));
    }
    String region = awsRegion.trim();
    String host =
        "bedrock-runtime"
            + (m.group(1) == null ? "" : m.group(1))
            + "."
            + region
            + ".amazonaws.com";
    String moved =
        uri.getScheme()
            + "://"
            + host
            + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + (uri.getRawPath() == null ? "" : uri.getRawPath());
    return new Target(moved, region);
  }

  /**
   * A resolved endpoint.
   *
   * @param baseUrl the base URL, without a trailing slash
   * @param region the region to sign for
   */
  record Target(String baseUrl, String region) {}
}
