package dev.beamllm.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;

import java.util.Optional;
import org.junit.Test;

/** Bedrock models under inference profiles and in pinned regions, found by name. */
public class BedrockProfilesTest {
  private static final String SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
  private final ModelRegistry registry = ModelRegistry.defaults();

  @Test
  public void aProfileInFrontOfOurIdOrOfAwsIdFindsTheModelUnderThatProfile() {
    ModelSpec global = registry.lookup("global.bedrock-claude-4.5-sonnet");
    assertEquals("global." + SONNET, global.apiName());
    assertEquals("global.bedrock-claude-4.5-sonnet", global.id());
    // The geography's profile in the registry costs about 10% more than the global one (AWS).
    Prices geography = registry.lookup("bedrock-claude-4.5-sonnet").prices();
    assertEquals(3.00, global.prices().input(), 1e-9);
    assertEquals(15.00, global.prices().output(), 1e-9);
    assertEquals(geography.cacheWrite() / 1.1, global.prices().cacheWrite(), 1e-9);
    assertEquals(
        "older models cost the same under every profile",
        registry.lookup("bedrock-claude-4-sonnet").prices(),
        registry.lookup("global.bedrock-claude-4-sonnet").prices());
    assertEquals(Optional.empty(), global.region());

    ModelSpec eu = registry.lookup("eu." + SONNET);
    assertEquals("eu." + SONNET, eu.apiName());
    assertEquals(WireFormat.BEDROCK_ANTHROPIC, eu.wireFormat());
    // A profile prefix on a model that is not on Bedrock is no name at all.
    assertFalse(registry.contains("eu.gpt-4o"));
  }

  @Test
  public void aRegionMovesTheHostAndTheProfileToThatRegionsGeography() {
    ModelSpec eu = registry.lookup("bedrock-claude-4.5-sonnet@eu-west-1");
    assertEquals("eu." + SONNET, eu.apiName());
    assertEquals(Optional.of("eu-west-1"), eu.region());
    assertThat(eu.apiBase(), containsString("bedrock-runtime.eu-west-1.amazonaws.com"));
    assertEquals(
        "apac." + SONNET, registry.lookup("bedrock-claude-4.5-sonnet@ap-northeast-1").apiName());
    assertEquals(
        "us-gov." + SONNET, registry.lookup("bedrock-claude-4.5-sonnet@us-gov-west-1").apiName());
    // The global profile and in-region ids stay what they are in any region.
    assertEquals(
        "global." + SONNET,
        registry.lookup("global.bedrock-claude-4.5-sonnet@sa-east-1").apiName());
    assertEquals(
        "amazon.nova-micro-v1:0", registry.lookup("bedrock-nova-micro@eu-central-1").apiName());
    // Three regions of one model are three models (each with its own quota), at one price.
    ModelSpec west = registry.lookup("bedrock-claude-4.5-sonnet@us-west-2");
    assertNotEquals(west.id(), eu.id());
    assertEquals(west.prices(), eu.prices());
  }

  @Test
  public void whatARegionCannotServeIsRefusedInOneLine() {
    IllegalArgumentException notBedrock =
        assertThrows(IllegalArgumentException.class, () -> registry.lookup("gpt-4o@eu-west-1"));
    assertEquals(
        "model 'gpt-4o@eu-west-1': a region (@eu-west-1) applies only to Bedrock models",
        notBedrock.getMessage());
    IllegalArgumentException noRegion =
        assertThrows(
            IllegalArgumentException.class,
            () -> registry.lookup("bedrock-claude-4.5-sonnet@europe"));
    assertThat(noRegion.getMessage(), containsString("'europe' is not an AWS region"));
    IllegalArgumentException noGeography =
        assertThrows(
            IllegalArgumentException.class,
            () -> registry.lookup("bedrock-claude-4.5-sonnet@sa-east-1"));
    assertThat(
        noGeography.getMessage(),
        containsString(
            "no cross-region profile serves sa-east-1; use the global profile"
                + " (global.bedrock-claude-4.5-sonnet@sa-east-1)"));
    assertThrows(UnknownModelException.class, () -> registry.lookup("bedrock-nope@eu-west-1"));
  }

  @Test
  public void idInMovesOnlyGeographyProfiles() {
    assertEquals("eu.x.y-v1:0", BedrockProfiles.idIn("us.x.y-v1:0", "eu-central-1"));
    assertEquals("global.x.y-v1:0", BedrockProfiles.idIn("global.x.y-v1:0", "eu-central-1"));
    assertEquals("x.y-v1:0", BedrockProfiles.idIn("x.y-v1:0", "me-south-1"));
  }
}
