package dev.beamllm.mcp;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.tool.ToolOutput;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An MCP tool result as a {@link ToolOutput}: text stays text; images become {@link Image}s (their
 * media type read from the bytes, as every image here); {@code isError} makes an error the model
 * reads. What a model's tool result cannot hold is described in a line of text: audio, embedded
 * resources (a text resource's text is kept, an image resource becomes an image), resource links,
 * and images in formats no provider takes (SVG, say).
 */
final class ToolResults {
  private ToolResults() {}

  static ToolOutput output(McpSchema.CallToolResult result) {
    List<Part> parts = new ArrayList<>();
    if (result.content() != null) {
      for (McpSchema.Content c : result.content()) {
        parts.add(part(c));
      }
    }
    if (parts.isEmpty() && result.structuredContent() != null) {
      parts.add(new Text(json(result.structuredContent())));
    }
    if (parts.isEmpty()) {
      parts.add(new Text("(no content)"));
    }
    return new ToolOutput(parts, Boolean.TRUE.equals(result.isError()));
  }

  private static Part part(McpSchema.Content c) {
    if (c instanceof McpSchema.TextContent) {
      return new Text(((McpSchema.TextContent) c).text());
    }
    if (c instanceof McpSchema.ImageContent) {
      McpSchema.ImageContent i = (McpSchema.ImageContent) c;
      return image(i.data(), i.mimeType(), "image");
    }
    if (c instanceof McpSchema.AudioContent) {
      McpSchema.AudioContent a = (McpSchema.AudioContent) c;
      return new Text(
          "[audio, " + a.mimeType() + ", " + bytes(a.data()) + " bytes: not shown to the model]");
    }
    if (c instanceof McpSchema.EmbeddedResource) {
      McpSchema.ResourceContents r = ((McpSchema.EmbeddedResource) c).resource();
      String head = "[resource " + r.uri() + (r.mimeType() == null ? "" : ", " + r.mimeType());
      if (r instanceof McpSchema.TextResourceContents) {
        return new Text(head + "]\n" + ((McpSchema.TextResourceContents) r).text());
      }
      if (r instanceof McpSchema.BlobResourceContents) {
        String blob = ((McpSchema.BlobResourceContents) r).blob();
        if (r.mimeType() != null && r.mimeType().startsWith("image/")) {
          return image(blob, r.mimeType(), "resource " + r.uri());
        }
        return new Text(head + ", " + bytes(blob) + " bytes of binary data: not shown]");
      }
      return new Text(head + "]");
    }
    if (c instanceof McpSchema.ResourceLink) {
      McpSchema.ResourceLink l = (McpSchema.ResourceLink) c;
      return new Text(
          "[resource link "
              + l.uri()
              + (l.name() == null ? "" : " \"" + l.name() + "\"")
              + (l.mimeType() == null ? "" : ", " + l.mimeType())
              + (l.description() == null ? "" : ": " + l.description())
              + "]");
    }
    return new Text("[" + c.type() + " content: not shown]");
  }

  private static Part image(String base64, String mimeType, String what) {
    try {
      return Image.fromBase64(base64);
    } catch (RuntimeException e) {
      return new Text(
          "["
              + what
              + (mimeType == null ? "" : ", " + mimeType)
              + ", "
              + bytes(base64)
              + " bytes: not an image format models take]");
    }
  }

  private static long bytes(String base64) {
    return base64 == null ? 0 : base64.length() * 3L / 4;
  }

  private static String json(Object value) {
    try {
      return Connection.JSON.writeValueAsString(value);
    } catch (IOException e) {
      return String.valueOf(value);
    }
  }
}
