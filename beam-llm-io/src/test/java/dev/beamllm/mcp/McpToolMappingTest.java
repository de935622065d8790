package dev.beamllm.mcp;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import io.modelcontextprotocol.spec.McpSchema;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.Test;

/** Tool names, schemas and results, without a server. */
public class McpToolMappingTest {

  private static McpTools.Listed listed(ServerHandle h, String name) {
    return new McpTools.Listed(h, name, "does " + name, McpTools.schema(null));
  }

  private static List<String> names(List<ExecutableTool> tools) {
    return tools.stream().map(ExecutableTool::name).collect(Collectors.toList());
  }

  @Test
  public void toolsKeepTheirNamesUnlessTwoServersShareOne() {
    ServerHandle a = new ServerHandle(McpServer.stdio("alpha", "x"));
    ServerHandle b = new ServerHandle(McpServer.stdio("beta srv", "x"));
    List<List<McpTools.Listed>> servers =
        List.of(
            List.of(listed(a, "echo"), listed(a, "read.file")),
            List.of(listed(b, "echo"), listed(b, "other")));
    assertEquals(
        List.of("alpha__echo", "read_file", "beta_srv__echo", "other"),
        names(McpTools.name(servers, false)));
    assertEquals(
        List.of("alpha__echo", "alpha__read_file", "beta_srv__echo", "beta_srv__other"),
        names(McpTools.name(servers, true)));
    McpTool readFile = (McpTool) McpTools.name(servers, false).get(1);
    assertEquals("the server is called with its own name", "read.file", readFile.remoteName());
    assertEquals("does read.file", readFile.definition().description());
  }

  @Test
  public void namesAreCutAndClashesRefused() {
    ServerHandle a = new ServerHandle(McpServer.stdio("a", "x"));
    String longName = "t".repeat(80);
    assertEquals(
        List.of("t".repeat(64)),
        names(McpTools.name(List.of(List.of(listed(a, longName))), false)));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> McpTools.name(List.of(List.of(listed(a, "a.b"), listed(a, "a_b"))), false));
    assertEquals(
        "MCP tools: the name 'a_b' stands for server 'a' tool 'a.b' and server 'a' tool 'a_b'",
        e.getMessage());
  }

  @Test
  public void schemasLoseTheDraftName() {
    assertEquals(
        "{\"properties\":{\"m\":{\"type\":\"string\"}},\"required\":[\"m\"],\"type\":\"object\"}",
        McpTools.schema(
            Map.of(
                "$schema",
                "http://json-schema.org/draft-07/schema#",
                "type",
                "object",
                "properties",
                Map.of("m", Map.of("type", "string")),
                "required",
                List.of("m"))));
    assertEquals("{\"type\":\"object\",\"properties\":{}}", McpTools.schema(Map.of()));
  }

  @Test
  public void resultsBecomeTextImagesOrErrors() throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    String base64 = Base64.getEncoder().encodeToString(png.toByteArray());
    McpSchema.CallToolResult result =
        new McpSchema.CallToolResult(
            List.of(
                new McpSchema.TextContent("hello"),
                new McpSchema.ImageContent(null, base64, "image/png"),
                new McpSchema.ImageContent(null, "PHN2Zz48L3N2Zz4=", "image/svg+xml"),
                new McpSchema.AudioContent(null, "AAAAAAAA", "audio/wav"),
                new McpSchema.EmbeddedResource(
                    null,
                    new McpSchema.TextResourceContents("file:///a.txt", "text/plain", "body")),
                new McpSchema.EmbeddedResource(
                    null,
                    new McpSchema.BlobResourceContents("file:///b.bin", "application/zip", "AAAA")),
                new McpSchema.EmbeddedResource(
                    null, new McpSchema.BlobResourceContents("file:///c.png", "image/png", base64)),
                new McpSchema.ResourceLink(
                    "doc", null, "demo://doc/1", "a document", "text/plain", null, null, null)),
            false,
            null,
            null);
    ToolOutput out = ToolResults.output(result);
    assertFalse(out.isError());
    List<Part> c = out.content();
    assertEquals(8, c.size());
    assertEquals(new Text("hello"), c.get(0));
    Image image = (Image) c.get(1);
    assertEquals("image/png", image.mediaType().orElseThrow());
    assertArrayEquals(png.toByteArray(), image.bytes().orElseThrow());
    assertEquals(
        new Text("[image, image/svg+xml, 12 bytes: not an image format models take]"), c.get(2));
    assertEquals(new Text("[audio, audio/wav, 6 bytes: not shown to the model]"), c.get(3));
    assertEquals(new Text("[resource file:///a.txt, text/plain]\nbody"), c.get(4));
    assertEquals(
        new Text("[resource file:///b.bin, application/zip, 3 bytes of binary data: not shown]"),
        c.get(5));
    assertTrue(c.get(6) instanceof Image);
    assertEquals(
        new Text("[resource link demo://doc/1 \"doc\", text/plain: a document]"), c.get(7));

    ToolOutput error =
        ToolResults.output(
            new McpSchema.CallToolResult(
                List.of(new McpSchema.TextContent("it broke")), true, null, null));
    assertTrue(error.isError());
    assertEquals(List.of(new Text("it broke")), error.content());

    ToolOutput structured =
        ToolResults.output(new McpSchema.CallToolResult(List.of(), null, Map.of("t", 1), null));
    assertEquals(List.of(new Text("{\"t\":1}")), structured.content());
    ToolOutput empty =
        ToolResults.output(new McpSchema.CallToolResult(List.of(), null, null, null));
    assertEquals(List.of(new Text("(no content)")), empty.content());
  }
}
