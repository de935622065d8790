package dev.beamllm.model;

import java.util.Locale;
import java.util.Set;

/**
 * The prices of a request served at a service tier, from the tier the answer reports. A price the
 * registry gives for the tier ({@link Prices#serviceTiers}, e.g. OpenAI's published per-model
 * priority prices) wins; otherwise each provider's published rule applies:
 *
 * <ul>
 *   <li>Standard names ({@code default}, {@code standard}, {@code auto}, {@code standard_only},
 *       {@code on_demand}, none) cost the standard price. So do OpenAI's {@code scale} and
 *       Bedrock's {@code reserved}, which are billed per reserved unit, not per token.
 *   <li>{@code batch}: half price on OpenAI, Azure, Anthropic, Gemini and Bedrock, which document a
 *       50% batch discount (Anthropic reports {@code batch} in a batch result's usage); standard
 *       elsewhere.
 *   <li>{@code flex}: half price on OpenAI ("priced at Batch API rates",
 *       platform.openai.com/docs/guides/flex-processing) and Gemini ("50% discount",
 *       ai.google.dev/gemini-api/docs/optimization). Bedrock's flex discount is published per model
 *       only, and Groq's flex costs the on-demand price: standard unless the registry says.
 *   <li>{@code priority}: OpenAI publishes per-model prices (1.7 to 2 times standard,
 *       openai.com/api-priority-processing), which the registry holds; a model it does not list is
 *       priced at twice standard, the top of that range, so a budget is not underestimated. Gemini
 *       documents "75% to 100% more than standard": twice standard. Anthropic's Priority Tier is
 *       capacity committed for a term at standard per-token rates: standard. Bedrock's premium is
 *       published per model only: standard unless the registry says.
 * </ul>
 */
public final class ServiceTierRules {
  private static final Set<String> STANDARD =
      Set.of("", "default", "standard", "auto", "standard_only", "on_demand", "scale", "reserved");

  private ServiceTierRules() {}

  /**
   * The prices a request of this provider costs when its answer reports this tier.
   *
   * @param provider the registry's provider name ({@code openai}, {@code google}, ...)
   * @param prices the model's prices, with the tiers the registry gives
   * @param tier the tier the answer reports, or null
   */
  public static Prices pricesFor(String provider, Prices prices, String tier) {
    String t = tier == null ? "" : tier.trim().toLowerCase(Locale.ROOT);
    if (STANDARD.contains(t)) {
      return prices;
    }
    Prices published = prices.serviceTiers().get(t);
    if (published != null) {
      return published;
    }
    double factor = factor(provider == null ? "" : provider, t);
    return factor == 1.0 ? prices : prices.times(factor);
  }

  /** The multiplier of a tier the registry has no price for. */
  static double factor(String provider, String tier) {
    return switch (provider) {
      case "openai", "google" ->
          switch (tier) {
            case "flex", "batch" -> 0.5;
            case "priority" -> 2.0;
            default -> 1.0;
          };
      case "azure", "anthropic", "bedrock" -> tier.equals("batch") ? 0.5 : 1.0;
      default -> 1.0;
    };
  }
}
