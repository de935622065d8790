package dev.beamllm.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which faults the fake provider injects: each with a probability, and/or a scripted sequence per
 * model (the n-th request for that model gets the n-th entry; after the script, requests are
 * answered normally). Immutable; the server keeps the script positions.
 *
 * <pre>{@code
 * FaultPlan.none().withProbability(Fault.OVERLOADED, 0.05)
 *     .withScript("claude-3.5-haiku", Fault.SERVER_ERROR, Fault.NONE, Fault.HANG);
 * }</pre>
 */
public final class FaultPlan {
  private final Map<Fault, Double> probabilities;
  private final Map<String, List<Fault>> scripts;

  private FaultPlan(Map<Fault, Double> probabilities, Map<String, List<Fault>> scripts) {
    this.probabilities = probabilities;
    this.scripts = scripts;
  }

  /** No faults. */
  public static FaultPlan none() {
    return new FaultPlan(new EnumMap<>(Fault.class), new LinkedHashMap<>());
  }

  /** This plan with a fault injected at random with the given probability. */
  public FaultPlan withProbability(Fault fault, double probability) {
    if (probability < 0 || probability > 1) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    Map<Fault, Double> p = new EnumMap<>(Fault.class);
    p.putAll(probabilities);
    p.put(fault, probability);
    double total = p.values().stream().mapToDouble(Double::doubleValue).sum();
    if (total > 1.0 + 1e-9) {
      throw new IllegalArgumentException("fault probabilities add up to " + total + " > 1");
    }
    return new FaultPlan(p, scripts);
  }

  /**
   * This plan with a scripted sequence for one model ({@code *} for every model without its own
   * script).
   */
  public FaultPlan withScript(String model, Fault... sequence) {
    Map<String, List<Fault>> s = new LinkedHashMap<>(scripts);
    s.put(model, List.of(sequence));
    return new FaultPlan(probabilities, s);
  }

  /**
   * Parses the command-line form: {@code 500:0.05,529:0.01} for probabilities, and {@code
   * model=500,ok,529} (one per {@code ;}) for scripts.
   */
  public static FaultPlan parse(String probabilitySpec, String scriptSpec) {
    FaultPlan plan = none();
    if (probabilitySpec != null && !probabilitySpec.isBlank()) {
      for (String item : probabilitySpec.split(",")) {
        String[] kv = item.split(":");
        if (kv.length != 2) {
          throw new IllegalArgumentException(
              "fault '" + item + "' must be NAME:PROBABILITY, e.g. 503:0.05");
        }
        plan = plan.withProbability(Fault.parse(kv[0]), Double.parseDouble(kv[1]));
      }
    }
    if (scriptSpec != null && !scriptSpec.isBlank()) {
      for (String item : scriptSpec.split(";")) {
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("script '" + item + "' must be MODEL=FAULT,FAULT,...");
        }
        Fault[] seq =
            Arrays.stream(item.substring(eq + 1).split(","))
                .map(Fault::parse)
                .toArray(Fault[]::new);
        plan = plan.withScript(item.substring(0, eq).trim(), seq);
      }
    }
    return plan;
  }

  /** True when nothing is ever injected. */
  public boolean isEmpty() {
    return probabilities.isEmpty() && scripts.isEmpty();
  }

  /** The running state of a plan inside a server: script positions and the random source. */
  static final class Cursor {
    private final FaultPlan plan;
    private final Random random;
    private final Map<String, AtomicInteger> positions = new ConcurrentHashMap<>();

    Cursor(FaultPlan plan, long seed) {
      this.plan = plan;
      this.random = new Random(seed);
    }

    /** The fault for the next request to {@code model}. */
    Fault next(String model) {
      if (plan.isEmpty()) {
        return Fault.NONE;
      }
      List<Fault> script = plan.scripts.get(model);
      String key = model;
      if (script == null) {
        script = plan.scripts.get("*");
        key = "*";
      }
      if (script != null) {
        int i = positions.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
        if (i < script.size()) {
          return script.get(i);
        }
      }
      if (!plan.probabilities.isEmpty()) {
        double r;
        synchronized (random) {
          r = random.nextDouble();
        }
        for (Map.Entry<Fault, Double> e : plan.probabilities.entrySet()) {
          r -= e.getValue();
          if (r < 0) {
            return e.getKey();
          }
        }
      }
      return Fault.NONE;
    }

    void reset() {
      positions.clear();
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    probabilities.forEach((f, p) -> parts.add(f.shortName() + ":" + p));
    scripts.forEach((m, s) -> parts.add(m + "=" + s));
    return parts.isEmpty() ? "none" : String.join(" ", parts);
  }
}
