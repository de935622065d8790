package dev.beamllm.provider.internal;

/**
 * The client's one service tier, as each provider takes it. A client may spray models of several
 * providers, whose tiers differ: a tier a provider does not take is translated where it has an
 * obvious equivalent, else not sent (the provider's default applies), so one provider's tier never
 * breaks another's requests.
 *
 * <ul>
 *   <li>Anthropic Messages takes {@code auto} and {@code standard_only} (API reference, {@code
 *       service_tier}; the SDKs' {@code MessageCreateParams.ServiceTier}); anything else is a 400.
 *       OpenAI's {@code default} (standard processing) becomes {@code standard_only}.
 *   <li>OpenAI (Chat Completions and Responses) takes {@code auto}, {@code default}, {@code flex},
 *       {@code scale} and {@code priority}; Anthropic's {@code standard_only} becomes {@code
 *       default}. Other values go as they are, for OpenAI-compatible servers with tiers of their
 *       own.
 *   <li>Bedrock Converse takes {@code serviceTier: {"type": ...}} with {@code default}, {@code
 *       flex}, {@code priority} and {@code reserved} (API reference, {@code ServiceTier}); {@code
 *       standard_only} becomes {@code default}, {@code auto} is Bedrock's default and is not sent,
 *       anything else is not sent. Bedrock {@code invoke} carries the Anthropic body, whose {@code
 *       service_tier} Bedrock does not take, so it is sent no tier.
 * </ul>
 *
 * Gemini, Mistral and Cohere have no such field here: their adapters send none.
 */
public final class ServiceTiers {
  private ServiceTiers() {}

  /** The tier to send to Anthropic's Messages API, or null to send none. */
  public static String anthropic(String tier) {
    if (tier == null) {
      return null;
    }
    return switch (tier) {
      case "auto", "standard_only" -> tier;
      case "default" -> "standard_only";
      default -> null;
    };
  }

  /** The tier to send to Bedrock Converse as {@code serviceTier.type}, or null to send none. */
  public static String bedrock(String tier) {
    if (tier == null) {
      return null;
    }
    return switch (tier) {
      case "default", "flex", "priority", "reserved" -> tier;
      case "standard_only" -> "default";
      default -> null;
    };
  }

  /** The tier to send to OpenAI's Chat Completions or Responses API, or null to send none. */
  public static String openAi(String tier) {
    if (tier == null) {
      return null;
    }
    return "standard_only".equals(tier) ? "default" : tier;
  }
}
