package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * What the input files hold, read once on the launcher as a stream (never the whole file in
 * memory): the row count for the progress display and the models rows name, whose keys must be
 * there before anything is sent.
 *
 * @param rows rows (non-blank lines, CSV records), the bad ones included
 * @param rowModels the models rows name
 */
record InputScan(long rows, Set<String> rowModels) {
  /** Scans every file the pattern matches. */
  static InputScan of(String pattern) throws IOException {
    MatchResult match = FileSystems.match(pattern);
    if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
      throw new JobSettings.BadSetting("input", "no file matches '" + pattern + "'");
    }
    long rows = 0;
    Set<String> models = new LinkedHashSet<>();
    for (var meta : match.metadata()) {
      Path file = Path.of(meta.resourceId().toString());
      rows +=
          file.toString().toLowerCase(Locale.ROOT).endsWith(".csv")
              ? scanCsv(file, models)
              : scanJsonl(file, models);
    }
    if (rows == 0) {
      throw new JobSettings.BadSetting("input", "no prompts found at '" + pattern + "'");
    }
    return new InputScan(rows, models);
  }

  private static long scanJsonl(Path file, Set<String> models) throws IOException {
    long rows = 0;
    try (Utf8Lines lines = new Utf8Lines(Files.newInputStream(file))) {
      for (Utf8Lines.Line line; (line = lines.next()) != null; ) {
        if (line.error() == null && line.text().isBlank()) {
          continue;
        }
        rows++;
        if (line.error() == null && line.text().contains("\"model\"")) {
          try {
            JsonNode m = Json.MAPPER.readTree(line.text()).get("model");
            if (m != null && m.isTextual()) {
              models.add(m.asText());
            }
          } catch (IOException malformed) {
            // The reader reports it with its line number.
          }
        }
      }
    }
    return rows;
  }

  private static long scanCsv(Path file, Set<String> models) throws IOException {
    long rows = 0;
    try (InputStream in = Utf8Lines.skipBom(Files.newInputStream(file));
        CSVParser csv =
            CSVParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8), ReadPrompts.CSV)) {
      boolean named = csv.getHeaderMap().containsKey("model");
      for (CSVRecord r : csv) {
        rows++;
        if (named && r.isSet("model") && !r.get("model").isBlank()) {
          models.add(r.get("model").trim());
        }
      }
      // A file without a 'prompt' column is one failure line, whatever it holds.
      return csv.getHeaderMap().containsKey("prompt") ? rows : 1;
    }
  }
}
