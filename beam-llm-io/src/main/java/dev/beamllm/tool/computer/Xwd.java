package dev.beamllm.tool.computer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;

/**
 * Reads the X Window Dump that {@code xwd -root} writes (X11's XWDFile.h, version 7: a big-endian
 * header of 25 unsigned 32-bit fields, the window name, the colormap, then the pixels) and writes
 * it as PNG. Takes the true-color Z pixmaps an X server of depth 15 to 32 dumps, 16, 24 or 32 bits
 * per pixel, either byte order; the channels come from the header's masks.
 */
final class Xwd {
  private static final int HEADER_FIELDS = 25;
  private static final int Z_PIXMAP = 2;
  private static final int COLOR_SIZE = 12;

  private Xwd() {}

  /** The dump as PNG bytes. */
  static byte[] toPng(byte[] xwd) throws IOException {
    BufferedImage image = decode(xwd);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return png.toByteArray();
  }

  static BufferedImage decode(byte[] xwd) throws IOException {
    if (xwd.length < HEADER_FIELDS * 4) {
      throw new IOException("not an X window dump: " + xwd.length + " bytes");
    }
    ByteBuffer header = ByteBuffer.wrap(xwd).order(ByteOrder.BIG_ENDIAN);
    int[] h = new int[HEADER_FIELDS];
    for (int i = 0; i < HEADER_FIELDS; i++) {
      h[i] = header.getInt(i * 4);
    }
    int headerSize = h[0];
    int version = h[1];
    int format = h[2];
    int width = h[4];
    int height = h[5];
    boolean msbFirst = h[7] == 1;
    int bitsPerPixel = h[11];
    int bytesPerLine = h[12];
    int redMask = h[14];
    int greenMask = h[15];
    int blueMask = h[16];
    int colors = h[19];
    if (version != 7 || format != Z_PIXMAP) {
      throw new IOException(
          "unsupported X window dump: version " + version + ", pixmap format " + format);
    }
    if (bitsPerPixel != 16 && bitsPerPixel != 24 && bitsPerPixel != 32) {
      throw new IOException("unsupported X window dump: " + bitsPerPixel + " bits per pixel");
    }
    long start = (long) headerSize + (long) colors * COLOR_SIZE;
    if (width < 1 || height < 1 || start + (long) bytesPerLine * height > xwd.length) {
      throw new IOException(
          "truncated X window dump: " + width + "x" + height + " in " + xwd.length + " bytes");
    }
    int bytes = bitsPerPixel / 8;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      int row = (int) start + y * bytesPerLine;
      for (int x = 0; x < width; x++) {
        int at = row + x * bytes;
        int pixel = 0;
        for (int b = 0; b < bytes; b++) {
          int v = xwd[at + b] & 0xff;
          pixel |= msbFirst ? v << (8 * (bytes - 1 - b)) : v << (8 * b);
        }
        image.setRGB(
            x,
            y,
            channel(pixel, redMask) << 16
                | channel(pixel, greenMask) << 8
                | channel(pixel, blueMask));
      }
    }
    return image;
  }

  /** The channel a mask selects, scaled to 8 bits. */
  private static int channel(int pixel, int mask) {
    if (mask == 0) {
      return 0;
    }
    int shift = Integer.numberOfTrailingZeros(mask);
    int bits = Integer.bitCount(mask);
    int v = (pixel & mask) >>> shift;
    return bits >= 8 ? v >>> (bits - 8) : (v * 255) / ((1 << bits) - 1);
  }
}
