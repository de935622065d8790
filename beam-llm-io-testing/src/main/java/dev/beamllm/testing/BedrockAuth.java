package dev.beamllm.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bedrock's credentials, checked for form only (the fake holds no secret keys, so signatures are
 * never verified): either a Bedrock API key as {@code Authorization: Bearer <key>}, or a SigV4
 * header {@code AWS4-HMAC-SHA256 Credential=<AKID>/<yyyyMMdd>/<region>/bedrock/aws4_request,
 * SignedHeaders=<lowercase;names>, Signature=<64 hex>} with an {@code x-amz-date} header. Problems
 * are 403s whose AWS error type travels in {@link ProviderError#param} for {@link BedrockErrors}.
 * Messages follow AWS's SigV4 front end; the header is never echoed back, as it may hold a key.
 * Reference: docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html.
 */
final class BedrockAuth {
  private static final String MISSING_TOKEN = "MissingAuthenticationTokenException";
  private static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
  private static final String INVALID_SIGNATURE = "InvalidSignatureException";
  private static final String SCHEME = "AWS4-HMAC-SHA256";
  private static final List<String> PARAMS = List.of("Credential", "Signature", "SignedHeaders");
  private static final Pattern AMZ_DATE = Pattern.compile("\\d{8}T\\d{6}Z");
  private static final Pattern ACCESS_KEY = Pattern.compile("[A-Z0-9]{4,128}");
  private static final Pattern SCOPE_DATE = Pattern.compile("\\d{8}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9-]+");
  private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");

  private BedrockAuth() {}

  /** The bearer key, or the access key id of a SigV4 credential, or null. */
  static String apiKey(FakeHttpRequest request) {
    String bearer = request.bearer();
    if (bearer != null) {
      return bearer;
    }
    String auth = request.header("authorization");
    if (auth == null || !auth.startsWith(SCHEME + " ")) {
      return null;
    }
    String credential = params(auth).get("Credential");
    if (credential == null) {
      return null;
    }
    int slash = credential.indexOf('/');
    return slash < 0 ? credential : credential.substring(0, slash);
  }

  /** The region of a SigV4 credential scope, or null for a bearer key or no signature. */
  static String signingRegion(FakeHttpRequest request) {
    String auth = request.header("authorization");
    if (auth == null || !auth.startsWith(SCHEME + " ")) {
      return null;
    }
    String credential = params(auth).get("Credential");
    String[] scope = credential == null ? new String[0] : credential.split("/");
    return scope.length == 5 ? scope[2] : null;
  }

  /**
   * The error Bedrock answers for credentials of the wrong form, or null when the form is right.
   */
  static ProviderError problem(FakeHttpRequest request) {
    String auth = request.header("authorization");
    if (auth == null || auth.isBlank()) {
      return error(MISSING_TOKEN, "Missing Authentication Token");
    }
    String bearer = request.bearer();
    if (bearer != null) {
      return bearer.isEmpty() ? error(MISSING_TOKEN, "Missing Authentication Token") : null;
    }
    if (!auth.startsWith(SCHEME + " ")) {
      return incomplete(missingParams(Map.of()));
    }
    boolean pairWithoutEquals =
        Arrays.stream(auth.substring(SCHEME.length() + 1).split(","))
            .map(String::trim)
            .anyMatch(p -> !p.isEmpty() && !p.contains("="));
    if (pairWithoutEquals) {
      return incomplete(
          "A parameter is not a valid key=value pair (missing equal-sign) in Authorization header.");
    }
    Map<String, String> params = params(auth);
    String date = request.header("x-amz-date");
    String missing =
        missingParams(params)
            + (date == null
                ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                : "");
    if (!missing.isEmpty()) {
      return incomplete(missing.trim());
    }
    if (!AMZ_DATE.matcher(date).matches()) {
      return incomplete(
          "Date must be in ISO-8601 'basic format'. Got '"
              + date
              + "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
    ProviderError scope = scopeProblem(params.get("Credential"), date);
    if (scope != null) {
      return scope;
    }
    ProviderError signed = signedHeadersProblem(params.get("SignedHeaders"));
    if (signed != null) {
      return signed;
    }
    if (!SIGNATURE.matcher(params.get("Signature")).matches()) {
      return error(
          INVALID_SIGNATURE,
          "The request signature we calculated does not match the signature you provided. "
              + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }
    return null;
  }

  /** Checks {@code <AKID>/<yyyyMMdd>/<region>/bedrock/aws4_request} against the request's date. */
  private static ProviderError scopeProblem(String credential, String amzDate) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5
        || !ACCESS_KEY.matcher(scope[0]).matches()
        || !SCOPE_DATE.matcher(scope[1]).matches()) {
      return incomplete(
          "Credential should be of the form <AccessKeyId>/<yyyyMMdd>/<region>/bedrock/aws4_request.");
    }
    if (!scope[1].equals(amzDate.substring(0, 8))) {
      return incomplete(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
              + scope[1]
              + "' != '"
              + amzDate.substring(0, 8)
              + "', from '"
              + amzDate
              + "'.");
    }
    if (!REGION.matcher(scope[2]).matches()) {
      return incomplete("Credential should be scoped to a valid region.");
    }
    if (!scope[3].equals("bedrock")) {
      return incomplete("Credential should be scoped to correct service: 'bedrock'.");
    }
    if (!scope[4].equals("aws4_request")) {
      return incomplete(
          "Credential should be scoped with a valid terminator: 'aws4_request', not '"
              + scope[4]
              + "'.");
    }
    return null;
  }

  /**
   * Checks that the signed headers are lowercase names separated by semicolons and include host and
   * x-amz-date.
   */
  private static ProviderError signedHeadersProblem(String signedHeaders) {
    List<String> names = Arrays.asList(signedHeaders.split(";", -1));
    if (names.stream().anyMatch(n -> !HEADER_NAME.matcher(n).matches())) {
      return incomplete("SignedHeaders must be lowercase header names separated by ';'.");
    }
    if (!names.contains("host")) {
      return incomplete(
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (!names.contains("x-amz-date")) {
      return incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    }
    return null;
  }

  /**
   * {@code Name=value} pairs after the scheme, separated by commas; call only for a SigV4 header.
   */
  private static Map<String, String> params(String auth) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : auth.substring(SCHEME.length() + 1).split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    return out;
  }

  private static String missingParams(Map<String, String> params) {
    List<String> missing = new ArrayList<>();
    for (String name : PARAMS) {
      String v = params.get(name);
      if (v == null || v.isEmpty()) {
        missing.add("Authorization header requires '" + name + "' parameter. ");
      }
    }
    return String.join("", missing);
  }

  private static ProviderError incomplete(String message) {
    return error(INCOMPLETE_SIGNATURE, message);
  }

  private static ProviderError error(String awsType, String message) {
    return new ProviderError(ErrorKind.UNAUTHORIZED, message, awsType);
  }
}
