package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.LlmRequestCoder;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.PromptRows;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads prompt files (JSONL, or CSV with a {@code prompt} column and optional {@code id}, {@code
 * system}, {@code model}, {@code max_new_tokens}, {@code temperature}) into requests that carry
 * their row's own settings and the row as the user wrote it; rows that cannot be used become
 * failure lines with their file, line number and reason. Files are read as a stream of lines: an
 * invalid UTF-8 byte fails its line alone, a byte-order mark is skipped, CRLF works. Paths in JSONL
 * rows resolve against the file's directory.
 */
final class ReadPrompts extends PTransform<PBegin, PCollectionTuple> {
  static final TupleTag<LlmRequest> ROWS = new TupleTag<>() {};
  static final TupleTag<String> BAD = new TupleTag<>() {};

  /** CSV prompt files: a header row names the columns. */
  static final CSVFormat CSV =
      CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();

  /** Rows that could not be read in this JVM, for the live progress of a local job. */
  static final LongAdder LOCAL_BAD_ROWS = new LongAdder();

  private final String pattern;

  ReadPrompts(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out =
        begin
            .apply("Match", FileIO.match().filepattern(pattern))
            .apply("Open", FileIO.readMatches())
            .apply("Parse", ParDo.of(new ParseFn()).withOutputTags(ROWS, TupleTagList.of(BAD)));
    out.get(ROWS).setCoder(LlmRequestCoder.of());
    out.get(BAD).setCoder(StringUtf8Coder.of());
    return out;
  }

  /** A row's request: its conversation with the row's own settings and the row as written. */
  static LlmRequest request(PromptRows.Row row, String source) {
    return LlmRequest.of(row.conversation())
        .withModel(row.model())
        .withMaxNewTokens(row.maxNewTokens())
        .withTemperature(row.temperature())
        .withOutputSchema(row.jsonSchema())
        .withPreferredModel(row.preferModel())
        .withServiceTier(row.serviceTier())
        .withSource(source);
  }

  /** Parses one file. */
  static final class ParseFn extends DoFn<FileIO.ReadableFile, LlmRequest> {
    private final Counter rows = Metrics.counter("beamllm", "rows");
    private final Counter badRows = Metrics.counter("beamllm", "bad_rows");

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      Path dir = Path.of(name).toAbsolutePath().getParent();
      try (InputStream in = Channels.newInputStream(file.open())) {
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
          readCsv(name, in, out);
        } else {
          readJsonl(name, dir, in, out);
        }
      }
    }

    private void bad(
        MultiOutputReceiver out, String file, int line, String id, String reason, String text) {
      badRows.inc();
      LOCAL_BAD_ROWS.increment();
      out.get(BAD).output(OutputRows.badRow(file, line, id, reason, text));
    }

    private void readJsonl(String file, Path dir, InputStream in, MultiOutputReceiver out)
        throws IOException {
      try (Utf8Lines lines = new Utf8Lines(in)) {
        for (Utf8Lines.Line line; (line = lines.next()) != null; ) {
          if (line.error() == null && line.text().isBlank()) {
            continue;
          }
          rows.inc();
          if (line.error() != null) {
            bad(out, file, line.number(), idOf(line), line.error(), line.text());
            continue;
          }
          PromptRows.Line parsed = PromptRows.parse(line.text(), line.number(), dir);
          if (parsed instanceof PromptRows.Row row) {
            out.get(ROWS).output(request(row, line.text()));
          } else {
            PromptRows.BadRow b = (PromptRows.BadRow) parsed;
            bad(out, file, b.lineNumber(), b.id(), b.reason(), b.text());
          }
        }
      }
    }

    /**
     * The id of a line that cannot be used, read from its text as far as it goes, else {@code
     * line-N}.
     */
    private static String idOf(Utf8Lines.Line line) {
      try {
        var id = Json.parse(line.text()).get("id");
        if (id != null && id.isTextual()) {
          return id.textValue();
        }
      } catch (RuntimeException unreadable) {
        // The line is reported as it is.
      }
      return "line-" + line.number();
    }

    private void readCsv(String file, InputStream in, MultiOutputReceiver out) throws IOException {
      // The default decoder replaces invalid bytes with U+FFFD, so the row that holds one fails
      // alone.
      Reader reader = new InputStreamReader(Utf8Lines.skipBom(in), StandardCharsets.UTF_8);
      try (CSVParser csv = CSVParser.parse(reader, CSV)) {
        if (!csv.getHeaderMap().containsKey("prompt")) {
          rows.inc();
          bad(
              out,
              file,
              1,
              "header",
              "the CSV file has no 'prompt' column",
              String.join(",", csv.getHeaderNames()));
          return;
        }
        for (CSVRecord r : csv) {
          rows.inc();
          int line = (int) r.getRecordNumber() + 1;
          String source = Json.write(Json.MAPPER.valueToTree(asMap(r)));
          if (String.join("", r.toList()).indexOf('\ufffd') >= 0) {
            bad(
                out,
                file,
                line,
                "line-" + line,
                "invalid UTF-8 in this row: save the file as UTF-8",
                source);
            continue;
          }
          var row = Json.object();
          row.put("id", r.isMapped("id") && !r.get("id").isEmpty() ? r.get("id") : "line-" + line);
          row.put("prompt", r.get("prompt"));
          for (String column : new String[] {"system", "model"}) {
            if (r.isMapped(column) && !r.get(column).isEmpty()) {
              row.put(column, r.get(column));
            }
          }
          for (String column : new String[] {"max_new_tokens", "temperature"}) {
            if (r.isMapped(column) && !r.get(column).isBlank()) {
              try {
                row.set(column, Json.parse(r.get(column).trim()));
              } catch (RuntimeException notANumber) {
                row.put(column, r.get(column));
              }
            }
          }
          PromptRows.Line parsed = PromptRows.parse(Json.write(row), line, null);
          if (parsed instanceof PromptRows.Row ok) {
            out.get(ROWS).output(request(ok, source));
          } else {
            PromptRows.BadRow b = (PromptRows.BadRow) parsed;
            bad(out, file, line, b.id(), b.reason(), source);
          }
        }
      }
    }

    private static Map<String, String> asMap(CSVRecord r) {
      Map<String, String> m = new LinkedHashMap<>();
      r.getParser().getHeaderNames().forEach(h -> m.put(h, r.isSet(h) ? r.get(h) : null));
      return m;
    }
  }
}
