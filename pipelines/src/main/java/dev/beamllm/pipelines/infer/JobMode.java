package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.BatchSettings;
import dev.beamllm.redis.RedisUri;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How the job sends its rows ({@code --mode}): {@code online}, request by request at the limits;
 * {@code batch}, through the providers' batch APIs at half price ({@link
 * LlmIO.Complete#withBatchApi}); or {@code auto}, by batch when the job has at least {@code
 * --batchMinRows} rows and its {@code --deadline}, if any, leaves a batch time to run ({@value
 * #AUTO_MIN_DEADLINE_HOURS} hour at least), else online. With a deadline, what batches have not
 * answered {@code --onlineMargin} before it (by default a quarter of the deadline, at most 15
 * minutes) is sent online.
 */
record JobMode(boolean batch, String why, BatchSettings settings) {
  /** The shortest deadline with which {@code auto} still chooses the batch APIs. */
  static final int AUTO_MIN_DEADLINE_HOURS = 1;

  private static final Duration MAX_DEFAULT_MARGIN = Duration.ofMinutes(15);

  /**
   * The mode of these options for a job of {@code rows} rows, its deadline counted from now.
   *
   * @throws JobSettings.BadSetting naming the option that is wrong
   */
  static JobMode of(BatchInferenceOptions o, long rows, boolean agentRows) {
    String mode = o.getMode().trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("online") && !mode.equals("batch") && !mode.equals("auto")) {
      throw new JobSettings.BadSetting(
          "mode", "must be online, batch or auto, got '" + o.getMode() + "'");
    }
    Duration deadline = duration("deadline", o.getDeadline());
    Duration margin = duration("onlineMargin", o.getOnlineMargin());
    if (margin != null && deadline == null) {
      throw new JobSettings.BadSetting("onlineMargin", "needs a --deadline to count back from");
    }
    if (deadline != null && margin != null && margin.compareTo(deadline) >= 0) {
      throw new JobSettings.BadSetting(
          "onlineMargin", "must be shorter than --deadline (" + o.getDeadline() + ")");
    }
    if (o.getBatchMaxRequests() < 1) {
      throw new JobSettings.BadSetting(
          "batchMaxRequests", "must be at least 1, got " + o.getBatchMaxRequests());
    }
    if (o.getBatchMinRows() < 0) {
      throw new JobSettings.BadSetting(
          "batchMinRows", "must be 0 or more, got " + o.getBatchMinRows());
    }
    if (agentRows && mode.equals("batch")) {
      throw new JobSettings.BadSetting(
          "mode",
          "batch cannot run agent rows (--mcpServers, --builtinTools): each of their turns waits for"
              + " the last; use online");
    }
    BatchSettings settings =
        BatchSettings.defaults().withMaxRequestsPerBatch(o.getBatchMaxRequests());
    if (deadline != null) {
      Duration m =
          margin != null
              ? margin
              : deadline.dividedBy(4).compareTo(MAX_DEFAULT_MARGIN) < 0
                  ? deadline.dividedBy(4)
                  : MAX_DEFAULT_MARGIN;
      settings = settings.withDeadline(Instant.now().plus(deadline)).withOnlineMargin(m);
    }
    return switch (mode) {
      case "online" -> new JobMode(false, "online", settings);
      case "batch" -> new JobMode(true, "batch APIs", settings);
      default -> auto(o, rows, agentRows, deadline, settings);
    };
  }

  private static JobMode auto(
      BatchInferenceOptions o, long rows, boolean agentRows, Duration deadline, BatchSettings s) {
    if (agentRows) {
      return new JobMode(false, "online (auto: agent rows)", s);
    }
    if (rows < o.getBatchMinRows()) {
      return new JobMode(
          false,
          String.format(
              Locale.ROOT,
              "online (auto: %,d rows < --batchMinRows=%,d)",
              rows,
              o.getBatchMinRows()),
          s);
    }
    if (deadline != null && deadline.compareTo(Duration.ofHours(AUTO_MIN_DEADLINE_HOURS)) < 0) {
      return new JobMode(
          false, "online (auto: --deadline=" + o.getDeadline() + " is too short for a batch)", s);
    }
    return new JobMode(true, String.format(Locale.ROOT, "batch APIs (auto: %,d rows)", rows), s);
  }

  private static Duration duration(String option, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = RedisUri.duration(value, value);
    } catch (IllegalArgumentException e) {
      throw new JobSettings.BadSetting(
          option, "must be a duration such as 6h, 30m or 90s, got '" + value + "'");
    }
    if (d.isNegative() || d.isZero()) {
      throw new JobSettings.BadSetting(option, "must be positive, got '" + value + "'");
    }
    return d;
  }

  /** The transform sending as this mode says. */
  LlmIO.Complete apply(LlmIO.Complete io) {
    return batch ? io.withBatchApi(settings) : io;
  }

  /** The line the job prints before it sends: how it sends, and until when. */
  String describe() {
    StringBuilder s = new StringBuilder("Mode: ").append(why);
    if (batch) {
      s.append(", at most ")
          .append(String.format(Locale.ROOT, "%,d", settings.maxRequestsPerBatch()))
          .append(" requests a batch");
      settings
          .onlineAt()
          .ifPresent(t -> s.append("; what is unanswered at ").append(t).append(" goes online"));
    }
    return s.toString();
  }
}
