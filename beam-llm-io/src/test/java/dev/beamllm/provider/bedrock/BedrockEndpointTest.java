package dev.beamllm.provider.bedrock;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/**
 * The base URL and signing region chosen from a model's {@code api_base} and {@code AWS_REGION}.
 */
public class BedrockEndpointTest {

  @Test
  public void theRegionIsTheHostsUnlessAwsRegionMovesIt() {
    assertEquals(
        new BedrockEndpoint.Target("https://bedrock-runtime.us-west-2.amazonaws.com", "us-west-2"),
        BedrockEndpoint.target("https://bedrock-runtime.us-west-2.amazonaws.com/", null));
    assertEquals(
        "host and signature move together",
        new BedrockEndpoint.Target(
            "https://bedrock-runtime.eu-central-1.amazonaws.com", "eu-central-1"),
        BedrockEndpoint.target("https://bedrock-runtime.us-east-1.amazonaws.com", "eu-central-1"));
    assertEquals(
        new BedrockEndpoint.Target(
            "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        BedrockEndpoint.target(
            "https://bedrock-runtime-fips.us-east-1.amazonaws.com", " us-gov-west-1 "));
  }

  @Test
  public void anotherHostIsKeptAndSignedForAwsRegionOrUsEast1() {
    assertEquals(
        new BedrockEndpoint.Target("http://127.0.0.1:8080/proxy", "us-east-1"),
        BedrockEndpoint.target("http://127.0.0.1:8080/proxy", ""));
    assertEquals(
        new BedrockEndpoint.Target(
            "https://vpce-0abc.bedrock-runtime.example.internal", "ap-south-1"),
        BedrockEndpoint.target("https://vpce-0abc.bedrock-runtime.example.internal", "ap-south-1"));
  }
}
