package dev.beamllm.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.PromptRows;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.response.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** The estimate job: per-model tokens and cost range, bad rows by line number. */
public class EstimateTest {
  private static Path testdata(String name) {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p.resolve("testdata").resolve(name);
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Estimate.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {
      String.valueOf(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }

  @Test
  public void numbersEqualTheTokenizerAndPricesRowByRow() {
    List<PromptRows.Line> lines = PromptRows.read(testdata("prompts.jsonl"));
    ModelRegistry registry = ModelRegistry.defaults();
    CostEstimator.Report report =
        new CostEstimator(registry, 300)
            .estimate(lines, List.of("claude-3.5-haiku", "gpt-4.1-mini"));
    for (CostEstimator.ModelEstimate m : report.models()) {
      ModelSpec spec = m.model();
      long input = 0;
      long output = 0;
      double max = 0;
      int rows = 0;
      for (PromptRows.Line line : lines) {
        PromptRows.Row row = (PromptRows.Row) line;
        if (row.model() != null && !registry.lookup(row.model()).id().equals(spec.id())) {
          continue;
        }
        long in = TokenCounter.estimate(row.conversation(), spec.wireFormat().imageRule());
        long out =
            Math.min(row.maxNewTokens() != null ? row.maxNewTokens() : 300, spec.maxOutputTokens());
        rows++;
        input += in;
        output += out;
        max += spec.cost(Usage.of(in, out));
      }
      assertEquals(spec.id(), rows, m.rows());
      assertEquals(spec.id(), input, m.inputTokens());
      assertEquals(spec.id(), output, m.maxOutputTokens());
      assertEquals(spec.id(), max, m.maxCost(), 1e-12);
      assertEquals(spec.id(), input * spec.prices().input() / 1e6, m.minCost(), 1e-12);
    }
    assertEquals(56, report.goodRows());
    assertEquals(List.of(), report.problems());
  }

  @Test
  public void printsTheTableForEachModel() {
    String[] r =
        run(testdata("prompts.jsonl").toString(), "--model", "gpt-4.1-mini,claude-3.5-haiku");
    assertEquals(r[2], "0", r[0]);
    assertThat(r[1], containsString("56 rows read, 56 can be sent"));
    assertThat(
        r[1], containsString("input tokens  max output tokens   cost min ($)   cost max ($)"));
    assertThat(r[1], containsString("\ngpt-4.1-mini "));
    assertThat(r[1], containsString("\nclaude-3.5-haiku "));
    assertThat(r[1], not(containsString("Rows with problems")));
  }

  @Test
  public void badRowsAreListedByLineNumberAndGoodRowsStillCount() {
    String[] r =
        run(
            testdata("bad-prompts.jsonl").toString(),
            "--model=gpt-4.1-mini",
            "--max-new-tokens",
            "100");
    assertEquals("0", r[0]);
    assertThat(r[1], containsString("8 rows read, 3 can be sent, 5 with problems"));
    assertThat(r[1], containsString("gpt-4.1-mini                      3"));
    assertThat(r[1], containsString("  line 2 (line-2): malformed JSON"));
    assertThat(r[1], containsString("  line 3 (b2): message 1: part 2: image file not found"));
    assertThat(r[1], containsString("  line 5 (b3): conversation is empty"));
    assertThat(
        r[1],
        containsString("  line 6 (b4): message 3 (tool), part 1: tool result for call 'call_99'"));
    assertThat(r[1], containsString("  line 7 (b5): row has neither \"prompt\" nor \"messages\""));
  }

  @Test
  public void rowsAModelCannotServeAreListedForThatModel() throws Exception {
    Path file = Files.createTempFile("prompts", ".jsonl");
    Files.writeString(
        file,
        "{\"id\":\"img\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":\""
            + testdata("images/photo.jpg")
            + "\"}]}]}\n"
            + "{\"id\":\"txt\",\"prompt\":\"hi\"}\n"
            + "{\"id\":\"who\",\"prompt\":\"hi\",\"model\":\"no-such-model\"}\n");
    String[] r = run(file.toString(), "--model", "deepseek-chat,gpt-4.1-mini");
    assertThat(
        r[1], containsString("line 1 (img): deepseek-chat cannot serve it: it has an image"));
    assertThat(r[1], containsString("line 3 (who): unknown model 'no-such-model'"));
    assertThat(r[1], containsString("deepseek-chat                     1"));
    assertThat(r[1], containsString("gpt-4.1-mini                      2"));
  }

  @Test
  public void audioIsCountedByDurationPricedAtTheAudioRateAndRefusedWhereNotTaken() {
    ModelRegistry registry = ModelRegistry.defaults();
    List<PromptRows.Line> lines =
        List.of(
            PromptRows.parse(
                "{\"id\":\"talk\",\"messages\":[{\"role\":\"user\",\"content\":["
                    + "{\"type\":\"text\",\"text\":\"Repeat\"},"
                    + "{\"type\":\"audio\",\"path\":\"audio/hello-world.wav\"}]}]}",
                1,
                testdata("")));
    CostEstimator.Report report =
        new CostEstimator(registry, 300)
            .estimate(lines, List.of("gemini-2.5-flash", "claude-3.5-haiku"));
    ModelSpec gemini = registry.lookup("gemini-2.5-flash");
    PromptRows.Row row = (PromptRows.Row) lines.get(0);
    long in = TokenCounter.estimate(row.conversation(), TokenCounter.ImageRule.GEMINI);
    // The test WAV lasts 0.05 s: 1.6 tokens at Gemini's 32 a second, rounded up.
    assertEquals(2, TokenCounter.audioEstimate(row.conversation(), TokenCounter.ImageRule.GEMINI));
    CostEstimator.ModelEstimate g =
        report.models().stream()
            .filter(m -> m.model().id().equals(gemini.id()))
            .findFirst()
            .orElseThrow();
    assertEquals(in, g.inputTokens());
    assertEquals((in * 0.30 + 2 * (1.00 - 0.30)) / 1e6, g.minCost(), 1e-15);
    assertThat(
        report.problems().toString(), containsString("it has audio and the model does not take"));
  }

  @Test
  public void badArgumentsExplainThemselves() {
    String[] unknown = run(testdata("prompts.jsonl").toString(), "--model", "gpt-9");
    assertEquals("2", unknown[0]);
    assertThat(unknown[2], containsString("unknown model 'gpt-9'"));
    String[] noModel = run(testdata("prompts.jsonl").toString());
    assertEquals("2", noModel[0]);
    assertThat(noModel[2], containsString("no --model given"));
    assertThat(noModel[2], containsString("usage: ./run.sh estimate"));
    String[] missing = run("nope.jsonl", "--model", "gpt-4.1-mini");
    assertThat(missing[2], containsString("prompts file not found: nope.jsonl"));
  }
}
