package dev.beamllm.provider;

import java.util.Optional;

/**
 * The secrets for one provider: an API key, or AWS credentials for Bedrock. {@link #toString()}
 * never shows them, so they cannot leak into logs or exceptions.
 */
public final class Credentials {
  private static final Credentials NONE = new Credentials(null, null, null, null);

  private final String apiKey;
  private final String awsAccessKeyId;
  private final String awsSecretKey;
  private final String awsSessionToken;

  private Credentials(
      String apiKey, String awsAccessKeyId, String awsSecretKey, String awsSessionToken) {
    this.apiKey = apiKey;
    this.awsAccessKeyId = awsAccessKeyId;
    this.awsSecretKey = awsSecretKey;
    this.awsSessionToken = awsSessionToken;
  }

  /** No secrets (a local server). */
  public static Credentials none() {
    return NONE;
  }

  /** A key sent as the provider's key header (or bearer token); never logged or serialized. */
  public static Credentials apiKey(String key) {
    return new Credentials(key, null, null, null);
  }

  /** AWS credentials for SigV4 signing. */
  public static Credentials aws(String accessKeyId, String secretKey, String sessionToken) {
    return new Credentials(null, accessKeyId, secretKey, sessionToken);
  }

  /** The API key, if any. */
  public Optional<String> key() {
    return Optional.ofNullable(apiKey);
  }

  /** The AWS access key id, if any. */
  public Optional<String> awsAccessKeyId() {
    return Optional.ofNullable(awsAccessKeyId);
  }

  /** The AWS secret key, if any. */
  public Optional<String> awsSecretKey() {
    return Optional.ofNullable(awsSecretKey);
  }

  /** The AWS session token, if any. */
  public Optional<String> awsSessionToken() {
    return Optional.ofNullable(awsSessionToken);
  }

  @Override
  public String toString() {
    return apiKey != null
        ? "Credentials{apiKey=***}"
        : awsAccessKeyId != null ? "Credentials{aws=***}" : "Credentials{none}";
  }
}
