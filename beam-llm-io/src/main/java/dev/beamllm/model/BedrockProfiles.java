package dev.beamllm.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Bedrock's inference profiles and regions as model names. Bedrock serves a model under its own id
 * in one region ({@code anthropic.claude-...}) or under a cross-region inference profile whose id
 * is that id with a geography in front ({@code us.}, {@code eu.}, {@code apac.}, {@code jp.},
 * {@code au.}, {@code us-gov.}) or {@code global.} for every commercial region. Each region keeps
 * its own quota, so one model called in three regions has three quotas.
 *
 * <ul>
 *   <li>{@code global.bedrock-claude-4.5-sonnet}, or the profile id as AWS writes it ({@code
 *       global.anthropic.claude-sonnet-4-5-20250929-v1:0}): the registry's model under that
 *       profile.
 *   <li>{@code bedrock-claude-4.5-sonnet@eu-west-1}: the model called in that region, its profile
 *       moved to the region's geography ({@code us.} becomes {@code eu.}; {@code global.} and
 *       in-region ids stay), whatever {@code AWS_REGION} says. Spraying over several such names
 *       spreads one job over several regional quotas.
 * </ul>
 *
 * <p>Reference: docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html (a
 * profile can be called only from a source region of its geography).
 */
public final class BedrockProfiles {
  /** The geographies of system-defined cross-region profiles, plus {@code global}. */
  private static final List<String> PREFIXES =
      List.of("global", "us-gov", "us", "eu", "apac", "jp", "au");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d+");

  /**
   * Claude from 4.5 on costs about 10% less under the global profile than under a geography's
   * (docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html:
   * "approximately 10% savings on both input and output token pricing"); the registry prices the
   * geography's.
   */
  private static final Pattern GLOBAL_DISCOUNT =
      Pattern.compile("anthropic\\.claude-(opus|sonnet|haiku)-(4-[5-9]|[5-9])\\b.*");

  private static final double GEOGRAPHY_PREMIUM = 1.1;

  private BedrockProfiles() {}

  /** Whether the model is reached through one of Bedrock's APIs. */
  static boolean isBedrock(ModelSpec spec) {
    return spec.wireFormat() == WireFormat.BEDROCK_ANTHROPIC
        || spec.wireFormat() == WireFormat.BEDROCK_CONVERSE;
  }

  /**
   * Resolves a profile or region name, or empty when the name is neither; {@code base} finds a
   * plain registry name.
   *
   * @throws IllegalArgumentException when the name asks for a region or profile the model cannot
   *     take
   */
  static Optional<ModelSpec> resolve(String name, Function<String, Optional<ModelSpec>> base) {
    int at = name.lastIndexOf('@');
    if (at > 0) {
      String region = name.substring(at + 1);
      Optional<ModelSpec> spec = base.apply(name.substring(0, at));
      if (spec.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(inRegion(spec.get(), region, name));
    }
    String prefix = prefixOf(name);
    if (prefix == null) {
      return Optional.empty();
    }
    String rest = name.substring(prefix.length() + 1);
    Optional<ModelSpec> spec = base.apply(rest);
    if (spec.isEmpty() || !isBedrock(spec.get())) {
      return Optional.empty();
    }
    String apiName = prefix + "." + bare(spec.get().apiName());
    return Optional.of(
        spec.get().toBuilder()
            .setId(name)
            .setAliases(List.of())
            .setApiName(apiName)
            .setPrices(pricesUnder(spec.get(), apiName))
            .build());
  }

  /**
   * The model's prices under another profile: the global profile of a model whose geography
   * profiles carry the premium costs that much less (and the other way round).
   */
  private static Prices pricesUnder(ModelSpec spec, String apiName) {
    boolean wasGlobal = "global".equals(prefixOf(spec.apiName()));
    boolean isGlobal = "global".equals(prefixOf(apiName));
    if (wasGlobal == isGlobal
        || prefixOf(spec.apiName()) == null
        || !GLOBAL_DISCOUNT.matcher(bare(apiName)).matches()) {
      return spec.prices();
    }
    double factor = isGlobal ? 1 / GEOGRAPHY_PREMIUM : GEOGRAPHY_PREMIUM;
    Prices p = spec.prices();
    LongPromptPrices longPrompt =
        p.longPrompt() == null
            ? null
            : new LongPromptPrices(
                p.longPrompt().aboveTokens(), p.longPrompt().prices().times(factor));
    Prices scaled = p.times(factor);
    return new Prices(
        scaled.input(),
        scaled.output(),
        scaled.cachedInput(),
        scaled.cacheWrite(),
        Map.of(),
        longPrompt);
  }

  private static ModelSpec inRegion(ModelSpec spec, String region, String name) {
    if (!isBedrock(spec)) {
      throw new IllegalArgumentException(
          "model '" + name + "': a region (@" + region + ") applies only to Bedrock models");
    }
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "model '" + name + "': '" + region + "' is not an AWS region such as eu-west-1");
    }
    String apiName;
    try {
      apiName = idIn(spec.apiName(), region);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model '" + name + "': " + e.getMessage() + " (global." + spec.id() + "@" + region + ")");
    }
    return spec.toBuilder()
        .setId(name)
        .setAliases(List.of())
        .setApiName(apiName)
        .setApiBase(regionalBase(spec.apiBase(), region))
        .setRegion(region)
        .build();
  }

  /**
   * A Bedrock model id as called from a region: a geography's profile ({@code us.anthropic...})
   * moves to the region's geography ({@code eu.anthropic...} from {@code eu-west-1}); a global
   * profile and an in-region id stay as they are.
   *
   * @throws IllegalArgumentException when no geography's profile serves the region
   */
  public static String idIn(String modelId, String region) {
    String prefix = prefixOf(modelId);
    if (prefix == null || prefix.equals("global")) {
      return modelId;
    }
    String geography = geography(region);
    if (geography == null) {
      throw new IllegalArgumentException(
          "no cross-region profile serves " + region + "; use the global profile");
    }
    return geography + "." + bare(modelId);
  }

  /**
   * The geography whose profiles a source region may call: {@code eu-west-1} calls {@code eu.}
   * profiles; Tokyo and Sydney also have {@code jp.} and {@code au.}, but every Asia-Pacific region
   * calls {@code apac.}.
   */
  private static String geography(String region) {
    if (region.startsWith("us-gov-")) {
      return "us-gov";
    }
    return switch (region.substring(0, 2)) {
      case "us" -> "us";
      case "eu" -> "eu";
      case "ap" -> "apac";
      default -> null;
    };
  }

  /** Bedrock's own host moved to the region; any other base (a proxy, a fake) stays. */
  private static String regionalBase(String apiBase, String region) {
    return apiBase.replaceFirst(
        "bedrock-runtime(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com",
        "bedrock-runtime$1." + region + ".amazonaws.com");
  }

  /** The profile prefix of an id ({@code us} of {@code us.anthropic...}), or null. */
  private static String prefixOf(String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    for (String p : PREFIXES) {
      if (lower.startsWith(p + ".")) {
        return p;
      }
    }
    return null;
  }

  /** The id without its profile prefix. */
  private static String bare(String id) {
    String prefix = prefixOf(id);
    return prefix == null ? id : id.substring(prefix.length() + 1);
  }
}
