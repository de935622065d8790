package dev.beamllm.provider.bedrock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.Turns;

/**
 * Amazon Bedrock Converse {@code system} and {@code messages}. Content blocks are tagged unions
 * ({@code text}, {@code image}, {@code document}, {@code toolUse}, {@code toolResult}, {@code
 * reasoningContent}); bytes travel as base64 in JSON. Converse cannot fetch URLs, so URL images and
 * documents are refused here (the client fetches URL images before, see {@code
 * ProviderAdapter.takesImageUrls}). Reference:
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html.
 */
public final class BedrockConverseFormat {
  private static final String API = "Bedrock Converse";
  private static final int MAX_NAME = 200;

  private BedrockConverseFormat() {}

  /**
   * {@code {"system": [{"text": ...}], "messages": [...]}} for the conversation, as Claude and Nova
   * models take it (with {@code toolResult.status}).
   */
  public static ObjectNode render(Conversation conversation) {
    return render(conversation, true);
  }

  /**
   * The same for any model: {@code toolResult.status} marks a failed tool call only where {@code
   * toolResultStatus} says the model takes it. AWS documents the field "only supported by Amazon
   * Nova and Anthropic Claude 3 and 4 models" (API reference, ToolResultBlock); other models refuse
   * a request that has it.
   */
  public static ObjectNode render(Conversation conversation, boolean toolResultStatus) {
    Formats.refuseAudio(conversation, API);
    ObjectNode body = Json.object();
    conversation
        .validate()
        .systemPrompt()
        .ifPresent(s -> body.putArray("system").addObject().put("text", s));
    Turns turns =
        Turns.of(
            Formats.nonSystem(conversation),
            "assistant",
            "user",
            "content",
            part -> block(part, toolResultStatus));
    body.set("messages", turns.toArray());
    return body;
  }

  private static ObjectNode block(Part part, boolean toolResultStatus) {
    ObjectNode block = Json.object();
    if (part instanceof Text t) {
      block.put("text", t.text());
    } else if (part instanceof Image image) {
      block.set("image", image(image));
    } else if (part instanceof File file) {
      block.set("document", document(file));
    } else if (part instanceof ToolCall call) {
      ObjectNode use =
          block.putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
      use.set("input", Json.parse(call.arguments()));
    } else if (part instanceof ToolResult result) {
      ObjectNode r = block.putObject("toolResult").put("toolUseId", result.callId());
      ArrayNode content = r.putArray("content");
      for (Part p : result.content()) {
        content.add(block(p, toolResultStatus));
      }
      if (result.isError() && toolResultStatus) {
        r.put("status", "error");
      }
    } else if (part instanceof Thinking thinking) {
      ObjectNode reasoning = reasoning(thinking);
      if (reasoning == null) {
        return null;
      }
      block.set("reasoningContent", reasoning);
    } else {
      return null;
    }
    return block;
  }

  /**
   * Reasoning Bedrock made, sent back as it came: {@code reasoningText} with its signature, or the
   * {@code redactedContent} Claude encrypted (kept raw by the Converse adapter), which must come
   * back too during tool use. Unsigned or foreign reasoning is not sent (null).
   */
  private static ObjectNode reasoning(Thinking thinking) {
    if (thinking.signatureFrom(Thinking.BEDROCK).isPresent()) {
      ObjectNode reasoning = Json.object();
      reasoning
          .putObject("reasoningText")
          .put("text", thinking.text())
          .put("signature", thinking.signature());
      return reasoning;
    }
    return thinking
        .rawFrom(Thinking.BEDROCK)
        .map(Json::parse)
        .filter(raw -> raw.isObject() && raw.hasNonNull("redactedContent"))
        .map(raw -> (ObjectNode) raw)
        .orElse(null);
  }

  private static ObjectNode image(Image image) {
    if (image.origin() == Image.Origin.URL) {
      throw new UnsupportedPartException(
          API, "an image by URL (" + image.describe() + "); give a path or bytes");
    }
    String format = image.mediaType().orElseThrow().substring("image/".length());
    ObjectNode node = Json.object().put("format", format);
    node.putObject("source").put("bytes", image.base64());
    return node;
  }

  private static ObjectNode document(File file) {
    if (file.bytes().isEmpty()) {
      throw new UnsupportedPartException(
          API, "a document by URL or file id (" + file.describe() + "); give a path or bytes");
    }
    String format;
    if (file.isPdf()) {
      format = "pdf";
    } else if (file.isText()) {
      format = "txt";
    } else {
      throw new UnsupportedPartException(
          API, file.mediaType().orElse("this") + " documents (" + file.describe() + ")");
    }
    ObjectNode node = Json.object().put("format", format).put("name", documentName(file));
    node.putObject("source").put("bytes", file.base64());
    return node;
  }

  /**
   * Converse document names allow only letters, digits, single spaces, hyphens, parentheses and
   * square brackets, at most 200 characters, so the file name is cleaned, cut and its extension
   * dropped.
   */
  static String documentName(File file) {
    String name = file.filename().orElse("document");
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    String cleaned =
        name.replaceAll("[^A-Za-z0-9\\-()\\[\\] ]", "-").replaceAll(" {2,}", " ").trim();
    cleaned = cleaned.length() > MAX_NAME ? cleaned.substring(0, MAX_NAME).trim() : cleaned;
    return cleaned.isEmpty() ? "document" : cleaned;
  }
}
