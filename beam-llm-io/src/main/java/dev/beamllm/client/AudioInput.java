package dev.beamllm.client;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An audio file to transcribe ({@link LlmClient#transcribe}), with the id its transcription carries
 * back. The file name matters: providers tell the audio's format by its extension ({@code .wav},
 * {@code .mp3}, {@code .m4a}, ...).
 *
 * @param id the file's id, or null
 * @param fileName the file's name, extension included
 * @param bytes the file's bytes; not copied (files may be large), so do not change them afterwards
 */
public record AudioInput(String id, String fileName, byte[] bytes) implements Serializable {
  /** Checks the name and bytes are there. */
  public AudioInput {
    Objects.requireNonNull(bytes, "bytes");
    if (fileName == null || fileName.isBlank()) {
      throw new IllegalArgumentException("an audio input needs a file name with its extension");
    }
  }

  /**
   * A file read from disk, its path as id and its name as file name.
   *
   * @throws UncheckedIOException when it cannot be read
   */
  public static AudioInput of(Path file) {
    try {
      return new AudioInput(
          file.toString(), file.getFileName().toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read audio file " + file, e);
    }
  }

  /** Bytes under a file name, without id. */
  public static AudioInput of(String fileName, byte[] bytes) {
    return new AudioInput(null, fileName, bytes);
  }

  /** Compares the bytes by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof AudioInput a
        && Objects.equals(id, a.id)
        && fileName.equals(a.fileName)
        && Arrays.equals(bytes, a.bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, fileName, Arrays.hashCode(bytes));
  }

  /** Names the file and its size, not its bytes. */
  @Override
  public String toString() {
    return "AudioInput{id=" + id + ", fileName=" + fileName + ", bytes=" + bytes.length + "}";
  }
}
