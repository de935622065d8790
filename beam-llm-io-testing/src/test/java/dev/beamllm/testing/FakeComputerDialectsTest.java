package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import org.junit.Test;

/**
 * The fake's computer tools over HTTP, in each wire format's own shape: what it refuses as the
 * providers do (a computer tool without its beta, the preview tool without {@code truncation:
 * auto}, a screenshot that does not acknowledge the call's safety checks), and the computer call it
 * answers with.
 */
public class FakeComputerDialectsTest {
  private static final String USER = "Look. [computer 640x480: click 320 240]";

  @Test
  public void anthropicNeedsTheBetaOfTheToolsVersion() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String body =
          "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"tools\":[{\"type\":"
              + "\"computer_20250124\",\"name\":\"computer\",\"display_width_px\":640,"
              + "\"display_height_px\":480}],\"messages\":[{\"role\":\"user\",\"content\":\""
              + USER
              + "\"}]}";
      String url = fake.baseUrl() + "/v1/messages";
      Http.Reply without =
          Http.post(url, body, "x-api-key", "k", "anthropic-version", "2023-06-01");
      assertEquals(without.body(), 400, without.status());
      assertTrue(without.body(), without.body().contains("computer-use-2025-01-24"));
      Http.Reply with =
          Http.post(
              url,
              body,
              "x-api-key",
              "k",
              "anthropic-version",
              "2023-06-01",
              "anthropic-beta",
              "computer-use-2025-01-24");
      assertEquals(with.body(), 200, with.status());
      JsonNode use = Json.parse(with.body()).path("content").path(0);
      assertEquals("tool_use", use.path("type").asText());
      assertEquals("computer", use.path("name").asText());
      assertEquals(
          "{\"action\":\"left_click\",\"coordinate\":[320,240]}", Json.write(use.get("input")));
    }
  }

  @Test
  public void openAiPreviewNeedsTruncationAutoAndAcknowledgedChecks() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String url = fake.baseUrl() + "/v1/responses";
      String tool =
          "\"tools\":[{\"type\":\"computer_use_preview\",\"display_width\":640,"
              + "\"display_height\":480,\"environment\":\"linux\"}]";
      String first = "{\"model\":\"computer-use-preview\"," + tool + ",\"input\":\"" + USER + "\"}";
      Http.Reply noTruncation = Http.post(url, first, "authorization", "Bearer k");
      assertEquals(noTruncation.body(), 400, noTruncation.status());
      assertTrue(noTruncation.body(), noTruncation.body().contains("truncation"));
      Http.Reply call =
          Http.post(
              url,
              first.replace("\"input\"", "\"truncation\":\"auto\",\"input\""),
              "authorization",
              "Bearer k");
      assertEquals(call.body(), 200, call.status());
      JsonNode item = Json.parse(call.body()).path("output").path(0);
      assertEquals("computer_call", item.path("type").asText());
      assertEquals(
          "{\"type\":\"click\",\"button\":\"left\",\"x\":320,\"y\":240}",
          Json.write(item.get("action")));
      String unacknowledged =
          "{\"model\":\"computer-use-preview\","
              + tool
              + ",\"truncation\":\"auto\",\"input\":[{\"role\":\"user\",\"content\":\""
              + USER
              + "\"},{\"type\":\"computer_call\",\"id\":\"cu_1\",\"call_id\":\"c1\",\"action\":"
              + "{\"type\":\"screenshot\"},\"pending_safety_checks\":[{\"id\":\"sc_1\","
              + "\"code\":\"malicious_instructions\",\"message\":\"m\"}],\"status\":\"completed\"},"
              + "{\"type\":\"computer_call_output\",\"call_id\":\"c1\",\"output\":{\"type\":"
              + "\"computer_screenshot\",\"image_url\":\"data:image/png;base64,"
              + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4XmMwTjsDAAI1AWZzV9GDAAAAAElFTkSuQmCC\"}}]}";
      Http.Reply refused = Http.post(url, unacknowledged, "authorization", "Bearer k");
      assertEquals(refused.body(), 400, refused.status());
      assertTrue(refused.body(), refused.body().contains("sc_1"));
    }
  }

  @Test
  public void geminiCallsThePredefinedFunctionOnTheThousandGrid() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String body =
          "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\""
              + USER
              + "\"}]}],\"tools\":[{\"computerUse\":{\"environment\":\"ENVIRONMENT_BROWSER\"}}]}";
      Http.Reply reply =
          Http.post(
              fake.baseUrl() + "/v1beta/models/gemini-2.5-flash:generateContent",
              body,
              "x-goog-api-key",
              "k");
      assertEquals(reply.body(), 200, reply.status());
      JsonNode call =
          Json.parse(reply.body()).path("candidates").path(0).path("content").path("parts").path(0);
      assertEquals(
          "{\"name\":\"click_at\",\"args\":{\"x\":500,\"y\":500}}",
          Json.write(call.get("functionCall")));
    }
  }
}
