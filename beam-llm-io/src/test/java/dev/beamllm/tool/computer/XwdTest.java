package dev.beamllm.tool.computer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.Test;

/** X window dumps as xwd writes them for a 24-bit screen, read into pixels. */
public class XwdTest {

  /** A dump of {@code pixels} (one row), 32 bits per pixel, in the given byte order. */
  static byte[] dump(int[] pixels, boolean msbFirst) {
    int headerSize = 100 + 4;
    ByteBuffer b = ByteBuffer.allocate(headerSize + pixels.length * 4).order(ByteOrder.BIG_ENDIAN);
    int[] h = new int[25];
    h[0] = headerSize;
    h[1] = 7; // version
    h[2] = 2; // ZPixmap
    h[3] = 24; // depth
    h[4] = pixels.length; // width
    h[5] = 1; // height
    h[7] = msbFirst ? 1 : 0; // byte order
    h[11] = 32; // bits per pixel
    h[12] = pixels.length * 4; // bytes per line
    h[13] = 4; // TrueColor
    h[14] = 0xff0000;
    h[15] = 0x00ff00;
    h[16] = 0x0000ff;
    h[19] = 0; // colors
    for (int v : h) {
      b.putInt(v);
    }
    b.put(new byte[] {'r', 'o', 'o', 't'});
    b.order(msbFirst ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (int p : pixels) {
      b.putInt(p);
    }
    return b.array();
  }

  @Test
  public void readsBothByteOrders() throws IOException {
    int[] pixels = {0x00ff0000, 0x0000ff00, 0x000000ff, 0x00123456};
    for (boolean msb : new boolean[] {false, true}) {
      BufferedImage image = Xwd.decode(dump(pixels, msb));
      assertEquals(4, image.getWidth());
      assertEquals(1, image.getHeight());
      for (int x = 0; x < pixels.length; x++) {
        assertEquals(pixels[x], image.getRGB(x, 0) & 0xffffff);
      }
    }
  }

  @Test
  public void refusesWhatItCannotRead() {
    assertThrows(IOException.class, () -> Xwd.decode(new byte[10]));
    byte[] truncated = dump(new int[] {1, 2, 3}, false);
    assertThrows(
        IOException.class,
        () -> Xwd.decode(java.util.Arrays.copyOf(truncated, truncated.length - 4)));
  }
}
