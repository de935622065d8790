package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.ConversationCoder;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Json;
import dev.beamllm.prompt.PromptRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads prompt files (JSONL, or CSV with a {@code prompt} column and optional {@code id}, {@code
 * system}, {@code model}) into {@code KV<row model or "", conversation>}; rows that cannot be used
 * become failure lines with their line number and reason. Paths in JSONL rows resolve against the
 * file's directory.
 */
final class ReadPrompts extends PTransform<PBegin, PCollectionTuple> {
  static final TupleTag<KV<String, Conversation>> ROWS = new TupleTag<>() {};
  static final TupleTag<String> BAD = new TupleTag<>() {};

  private final String pattern;

  ReadPrompts(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out = begin.apply("Match", FileIO.match().filepattern(pattern))
        .apply("Open", FileIO.readMatches())
        .apply("Parse", ParDo.of(new ParseFn()).withOutputTags(ROWS, TupleTagList.of(BAD)));
    out.get(ROWS).setCoder(KvCoder.of(StringUtf8Coder.of(), ConversationCoder.of()));
    out.get(BAD).setCoder(StringUtf8Coder.of());
    return out;
  }

  /** Parses one file. */
  static final class ParseFn extends DoFn<FileIO.ReadableFile, KV<String, Conversation>> {
    private final Counter rows = Metrics.counter("beamllm", "rows");
    private final Counter badRows = Metrics.counter("beamllm", "bad_rows");

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String name = file.getMetadata().resourceId().toString();
      Path dir = Path.of(name).toAbsolutePath().getParent();
      try (Reader reader = new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8)) {
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
          readCsv(name, reader, out);
        } else {
          readJsonl(name, dir, new BufferedReader(reader), out);
        }
      }
    }

    private void readJsonl(String file, Path dir, BufferedReader reader, MultiOutputReceiver out) throws IOException {
      String line;
      int n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        rows.inc();
        PromptRows.Line parsed = PromptRows.parse(line, n, dir);
        if (parsed instanceof PromptRows.Row row) {
          out.get(ROWS).output(KV.of(row.model() == null ? "" : row.model(), row.conversation()));
        } else {
          PromptRows.BadRow bad = (PromptRows.BadRow) parsed;
          badRows.inc();
          out.get(BAD).output(OutputRows.badRow(file, bad.lineNumber(), bad.id(), bad.reason(), bad.text()));
        }
      }
    }

    private void readCsv(String file, Reader reader, MultiOutputReceiver out) throws IOException {
      CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
      try (CSVParser csv = CSVParser.parse(reader, format)) {
        if (!csv.getHeaderMap().containsKey("prompt")) {
          badRows.inc();
          out.get(BAD).output(OutputRows.badRow(file, 1, "header", "the CSV file has no 'prompt' column", String.join(",", csv.getHeaderNames())));
          return;
        }
        for (CSVRecord r : csv) {
          rows.inc();
          int line = (int) r.getRecordNumber() + 1;
          var row = Json.object();
          row.put("id", r.isMapped("id") && !r.get("id").isEmpty() ? r.get("id") : "line-" + line);
          row.put("prompt", r.get("prompt"));
          if (r.isMapped("system") && !r.get("system").isEmpty()) {
            row.put("system", r.get("system"));
          }
          if (r.isMapped("model") && !r.get("model").isEmpty()) {
            row.put("model", r.get("model"));
          }
          PromptRows.Line parsed = PromptRows.parse(Json.write(row), line, null);
          if (parsed instanceof PromptRows.Row ok) {
            out.get(ROWS).output(KV.of(ok.model() == null ? "" : ok.model(), ok.conversation()));
          } else {
            PromptRows.BadRow bad = (PromptRows.BadRow) parsed;
            badRows.inc();
            out.get(BAD).output(OutputRows.badRow(file, line, bad.id(), bad.reason(), String.join(",", r.toList())));
          }
        }
      }
    }
  }
}
