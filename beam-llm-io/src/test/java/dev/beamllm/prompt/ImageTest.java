package dev.beamllm.prompt;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.Base64;
import org.junit.Test;

/** Images from every kind of source, their media type, size and resizing. */
public class ImageTest {
  private static byte[] png() throws Exception {
    return Files.readAllBytes(TestData.file("images/red-square.png"));
  }

  @Test
  public void everySourceGivesTheSameBytesAndType() throws Exception {
    byte[] bytes = png();
    String b64 = Base64.getEncoder().encodeToString(bytes);
    Image fromPath = Image.fromPath(TestData.file("images/red-square.png"));
    Image fromBytes = Image.fromBytes(bytes);
    Image fromBase64 = Image.fromBase64(b64);
    Image fromDataUrl = Image.fromUrl("data:image/png;base64," + b64);
    for (Image image : new Image[] {fromPath, fromBytes, fromBase64, fromDataUrl}) {
      assertArrayEquals(bytes, image.bytes().orElseThrow());
      assertEquals("image/png", image.mediaType().orElseThrow());
      assertArrayEquals(new int[] {64, 48}, image.dimensions().orElseThrow());
    }
    assertEquals(Image.Origin.PATH, fromPath.origin());
    assertEquals(Image.Origin.BYTES, fromDataUrl.origin());
    assertEquals("data:image/png;base64," + b64, fromBytes.url());
  }

  @Test
  public void urlImagesKeepTheUrlAndHaveNoBytes() {
    Image image = Image.fromUrl("https://example.com/a.png");
    assertEquals(Image.Origin.URL, image.origin());
    assertTrue(image.bytes().isEmpty());
    assertEquals("https://example.com/a.png", image.url());
    InvalidPromptException e = BadInputTest.expect(() -> Image.fromUrl("ftp://example.com/a.png"));
    assertTrue(e.getMessage(), e.getMessage().contains("must be http(s) or a data URL"));
  }

  @Test
  public void jpegIsRecognisedAndResizedKeepingAspectAndFormat() {
    Image jpeg = Image.fromPath(TestData.file("images/photo.jpg"));
    assertEquals("image/jpeg", jpeg.mediaType().orElseThrow());
    assertArrayEquals(new int[] {120, 80}, jpeg.dimensions().orElseThrow());
    Image small = jpeg.resized(30);
    assertArrayEquals(new int[] {30, 20}, small.dimensions().orElseThrow());
    assertEquals("image/jpeg", small.mediaType().orElseThrow());
    assertSame("already small enough", jpeg, jpeg.resized(500));
    Image png = Image.fromPath(TestData.file("images/red-square.png")).resized(32);
    assertArrayEquals(new int[] {32, 24}, png.dimensions().orElseThrow());
    assertEquals("image/png", png.mediaType().orElseThrow());
  }

  @Test
  public void documentsFromEverySource() throws Exception {
    File pdf = File.fromPath(TestData.file("docs/sample.pdf"));
    assertTrue(pdf.isPdf());
    assertEquals("sample.pdf", pdf.filename().orElseThrow());
    assertEquals(2, pdf.pdfStats().orElseThrow().pages());
    assertTrue(pdf.pdfStats().orElseThrow().text().contains("revenue grew 12 percent"));
    File text = File.fromPath(TestData.file("docs/notes.txt"));
    assertTrue(text.isText());
    assertTrue(text.text().contains("Priya"));
    File fromBytes = File.fromBytes(Files.readAllBytes(TestData.file("docs/sample.pdf")), "r.pdf");
    assertEquals("application/pdf", fromBytes.mediaType().orElseThrow());
    assertEquals("file-123", File.fromFileId("file-123").fileId().orElseThrow());
    assertEquals(
        "q1.pdf", File.fromUrl("https://x.org/reports/q1.pdf?sig=1").filename().orElseThrow());
  }
}
