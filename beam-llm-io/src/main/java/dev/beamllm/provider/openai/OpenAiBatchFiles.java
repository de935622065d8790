package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi.Outcome;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.BatchResultLines;
import dev.beamllm.provider.internal.Errors;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The files of OpenAI's Batch API: the JSONL input uploaded to {@code POST /files} as {@code
 * multipart/form-data} ({@code purpose=batch}), and the output and error files read back into the
 * answers the synchronous endpoint would have given. Shapes: openai-python's {@code
 * files.create(file, purpose)} and {@code BatchRequestOutput}; reference:
 * platform.openai.com/docs/api-reference/files/create, /docs/api-reference/batch/request-output.
 */
final class OpenAiBatchFiles {
  static final String API = "OpenAI Batch";

  private static final SecureRandom RANDOM = new SecureRandom();

  private OpenAiBatchFiles() {}

  /**
   * A multipart body and the content type naming its boundary.
   *
   * @param contentType {@code multipart/form-data; boundary=...}
   * @param body the parts
   */
  record Multipart(String contentType, String body) {}

  /**
   * The upload of the items as a JSONL file: a {@code purpose} part ({@code batch}) and a {@code
   * file} part named {@code batch.jsonl}, one item a line. The boundary is random and checked
   * against the content, which must not contain it.
   */
  static Multipart upload(List<String> items) {
    String jsonl = String.join("\n", items) + "\n";
    String boundary;
    do {
      byte[] b = new byte[16];
      RANDOM.nextBytes(b);
      boundary = "beam-llm-io-" + HexFormat.of().formatHex(b);
    } while (jsonl.contains(boundary));
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch.jsonl\""
            + "\r\nContent-Type: application/jsonl\r\n\r\n"
            + jsonl
            + "\r\n--"
            + boundary
            + "--\r\n";
    return new Multipart("multipart/form-data; boundary=" + boundary, body);
  }

  /**
   * Each line of the output and error files by custom id: a line with a {@code response} becomes
   * that answer ({@code status_code} and {@code body}), whether it succeeded or failed; one without
   * is unanswered, with its {@code error.code} ({@code batch_expired}, {@code batch_cancelled}) as
   * the reason.
   */
  static Map<String, Outcome> results(List<HttpAnswer> files) {
    return BatchResultLines.byCustomId(API, files, OpenAiBatchFiles::outcome);
  }

  private static Outcome outcome(JsonNode item) {
    JsonNode response = item.path("response");
    if (response.isObject()) {
      int status = response.path("status_code").asInt(0);
      if (status == 0) {
        throw Errors.unreadable(API, new IllegalStateException("a response has no status_code"));
      }
      return new Outcome(new HttpAnswer(status, Map.of(), Json.write(response.path("body"))), null);
    }
    return new Outcome(null, item.path("error").path("code").asText("not answered"));
  }
}
