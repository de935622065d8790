package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.Turns;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages {@code system} and {@code messages}, also the body of Bedrock's Anthropic
 * {@code invoke}. The system prompt stands apart; tool results are {@code tool_result} blocks in a
 * user turn; consecutive turns of one role are merged. Reference:
 * docs.anthropic.com/en/api/messages.
 *
 * <p>Thinking is sent back only when Anthropic signed it ({@code thinking} with {@code signature})
 * or as its raw {@code redacted_thinking} block: the API rejects unsigned or foreign thinking. A
 * call Anthropic ran ({@link ServerToolUse}: a remote MCP tool's, a web search) goes back as its
 * blocks ({@code mcp_tool_use} and {@code mcp_tool_result}, {@code server_tool_use} and {@code
 * web_search_tool_result}); a call left without its result (an answer cut short) only in the last
 * message, where it is a paused turn to carry on, as Anthropic refuses it anywhere else. File ids
 * need the {@code files-api-2025-04-14} beta header, which the adapter adds.
 */
public final class AnthropicFormat {
  private static final String API = "Anthropic Messages";
  private static final String BEDROCK = "Claude on Bedrock";

  private AnthropicFormat() {}

  /**
   * {@code {"system": ..., "messages": [...]}} for the conversation, as Anthropic's API takes it.
   */
  public static ObjectNode render(Conversation conversation) {
    return render(conversation, true);
  }

  /**
   * The same, for an API that takes images by URL ({@code "source": {"type": "url"}}) or not:
   * Claude on Bedrock takes images as {@code base64} sources only (AWS's Anthropic Claude Messages
   * API reference), so there an image given by URL is refused; the client fetches URL images
   * beforehand.
   *
   * @throws UnsupportedPartException for an image by URL when {@code urlSources} is false
   */
  public static ObjectNode render(Conversation conversation, boolean urlSources) {
    Formats.refuseAudio(conversation, API);
    ObjectNode body = Json.object();
    conversation.validate().systemPrompt().ifPresent(s -> body.put("system", s));
    Turns turns =
        Turns.of(
            withoutOpenCalls(Formats.nonSystem(conversation)),
            "assistant",
            "user",
            "content",
            part -> block(part, urlSources));
    ArrayNode messages = turns.toArray();
    for (JsonNode message : messages) {
      expandBlocks((ArrayNode) message.get("content"));
    }
    for (JsonNode message : messages) {
      JsonNode content = message.get("content");
      if (content.size() == 1 && "text".equals(content.get(0).path("type").asText())) {
        ((ObjectNode) message).put("content", content.get(0).get("text").asText());
      }
    }
    body.set("messages", messages);
    return body;
  }

  /**
   * The messages without the calls Anthropic ran that got no result, except in the last message (a
   * paused turn being carried on).
   */
  private static List<Message> withoutOpenCalls(List<Message> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (i == messages.size() - 1
          || m.parts().stream().noneMatch(AnthropicFormat::isOpenAnthropicCall)) {
        out.add(m);
        continue;
      }
      List<Part> kept = m.parts().stream().filter(p -> !isOpenAnthropicCall(p)).toList();
      if (!kept.isEmpty()) {
        out.add(Message.of(m.role(), kept));
      }
    }
    return out;
  }

  private static boolean isOpenAnthropicCall(Part p) {
    return p instanceof ServerToolUse use
        && use.output() == null
        && use.rawFrom(Thinking.ANTHROPIC).isPresent();
  }

  /** Marks a block standing for several (a remote MCP call's use and result blocks). */
  private static final String SEVERAL = "beamllm_blocks";

  /** Replaces each {@link #SEVERAL} marker by its blocks, in place. */
  private static void expandBlocks(ArrayNode content) {
    for (int i = 0; i < content.size(); i++) {
      JsonNode b = content.get(i);
      if (SEVERAL.equals(b.path("type").asText())) {
        content.remove(i);
        JsonNode blocks = b.get("blocks");
        for (int k = 0; k < blocks.size(); k++) {
          content.insert(i + k, blocks.get(k));
        }
        i += blocks.size() - 1;
      }
    }
  }

  private static ObjectNode block(Part part, boolean urlSources) {
    if (part instanceof ServerToolUse use) {
      // Anthropic's own blocks go back verbatim; a call another provider ran is left out (the
      // model's text tells what it learnt), as are all on Bedrock, which runs none of these tools.
      return use.rawFrom(Thinking.ANTHROPIC)
          .filter(raw -> urlSources)
          .map(Json::parse)
          .filter(JsonNode::isArray)
          .map(
              raw -> {
                ObjectNode several = Json.object().put("type", SEVERAL);
                several.set("blocks", raw);
                return several;
              })
          .orElse(null);
    }
    if (part instanceof Text t) {
      return Json.object().put("type", "text").put("text", t.text());
    }
    if (part instanceof Image image) {
      return imageBlock(image, urlSources);
    }
    if (part instanceof File file) {
      return documentBlock(file, urlSources);
    }
    if (part instanceof ToolCall call) {
      ObjectNode b =
          Json.object().put("type", "tool_use").put("id", call.id()).put("name", call.name());
      b.set("input", Json.parse(call.arguments()));
      return b;
    }
    if (part instanceof ToolResult result) {
      ObjectNode b = Json.object().put("type", "tool_result").put("tool_use_id", result.callId());
      if (result.hasImages()) {
        ArrayNode content = b.putArray("content");
        for (Part p : result.content()) {
          content.add(block(p, urlSources));
        }
      } else {
        b.put("content", result.text());
      }
      if (result.isError()) {
        b.put("is_error", true);
      }
      return b;
    }
    Thinking thinking = (Thinking) part;
    if (thinking.signatureFrom(Thinking.ANTHROPIC).isPresent()) {
      return Json.object()
          .put("type", "thinking")
          .put("thinking", thinking.text())
          .put("signature", thinking.signature());
    }
    return thinking
        .rawFrom(Thinking.ANTHROPIC)
        .map(Json::parse)
        .filter(raw -> "redacted_thinking".equals(raw.path("type").asText()))
        .map(raw -> (ObjectNode) raw)
        .orElse(null);
  }

  private static ObjectNode imageBlock(Image image, boolean urlSources) {
    ObjectNode block = Json.object().put("type", "image");
    ObjectNode source = block.putObject("source");
    if (image.origin() == Image.Origin.URL) {
      if (!urlSources) {
        throw new UnsupportedPartException(
            BEDROCK, "an image by URL (" + image.describe() + "); images go as base64 only");
      }
      source.put("type", "url").put("url", image.location().orElseThrow());
    } else {
      source
          .put("type", "base64")
          .put("media_type", image.mediaType().orElseThrow())
          .put("data", image.base64());
    }
    return block;
  }

  private static ObjectNode documentBlock(File file, boolean urlSources) {
    // Documents by URL are left as they are: AWS documents no refusal of them, unlike images.
    if (file.mediaType().filter(t -> t.startsWith("image/")).isPresent()) {
      return imageBlock(Image.fromBytes(file.bytes().orElseThrow()), urlSources);
    }
    ObjectNode block = Json.object().put("type", "document");
    ObjectNode source = block.putObject("source");
    switch (file.origin()) {
      case URL -> source.put("type", "url").put("url", file.location().orElseThrow());
      case FILE_ID -> source.put("type", "file").put("file_id", file.fileId().orElseThrow());
      case PATH, BYTES -> {
        if (file.isPdf()) {
          source
              .put("type", "base64")
              .put("media_type", "application/pdf")
              .put("data", file.base64());
        } else if (file.isText()) {
          source.put("type", "text").put("media_type", "text/plain").put("data", file.text());
          file.filename().ifPresent(name -> block.put("title", name));
        } else {
          throw new UnsupportedPartException(
              API,
              file.mediaType().orElse("this")
                  + " documents ("
                  + file.describe()
                  + "); only PDF and plain text");
        }
      }
    }
    return block;
  }

  /**
   * Whether the rendered conversation refers to a file uploaded to Anthropic ({@code "source":
   * {"type": "file"}}), which needs the Files API beta: a document given by file id, in a message
   * or a tool result.
   */
  static boolean refersToUploadedFile(Conversation conversation) {
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        for (Part p : part instanceof ToolResult r ? r.content() : List.of(part)) {
          if (p instanceof File f && f.fileId().isPresent()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
