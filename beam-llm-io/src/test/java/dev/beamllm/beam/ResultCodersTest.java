package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import dev.beamllm.response.Transcription;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.junit.Test;

/**
 * The non-chat results' coders: embeddings and transcriptions keep the bytes they were written with
 * before their shared tail ({@link ResultTail}) was drawn out (hex taken from the coders of
 * fc9c53f), so data written by an older job still decodes; rankings round-trip deterministically
 * and are found in the registry.
 */
public class ResultCodersTest {
  private static final ApiError RATE_LIMIT =
      new ApiError(ErrorKind.RATE_LIMIT, "slow down", 429, 1500);

  private static <T> String hex(Coder<T> coder, T value) throws Exception {
    return HexFormat.of().formatHex(CoderUtils.encodeToByteArray(coder, value));
  }

  @Test
  public void embeddingBytesUnchanged() throws Exception {
    Embedding fresh =
        Embedding.of("t1", "text-embedding-3-small", new float[] {0.25f, -1.5f, 3f}, 7, 0.0001);
    assertEquals(
        "010274310116746578742d656d62656464696e672d332d736d616c6c000000033e800000bfc00000"
            + "4040000000000000000000073f1a36e2eb1c432d0000",
        hex(EmbeddingCoder.of(), fresh));
    assertEquals(
        "010274320116746578742d656d62656464696e672d332d736d616c6c000000033e800000bfc00000"
            + "40400000000000000000000700000000000000000100",
        hex(EmbeddingCoder.of(), fresh.fromCache("t2")));
    assertEquals(
        "0001016d00000000000000000000000000000000000000000001010a524154455f4c494d49540109"
            + "736c6f7720646f776e000001ad00000000000005dc",
        hex(EmbeddingCoder.of(), Embedding.failed(null, "m", RATE_LIMIT)));
  }

  @Test
  public void transcriptionBytesUnchanged() throws Exception {
    Transcription fresh = Transcription.of("a1", "whisper-1", "hello there", 3.5, 1, 2, 3, 0.006);
    assertEquals(
        "010261310109776869737065722d31010b68656c6c6f207468657265400c00000000000000000000"
            + "00000001000000000000000200000000000000033f789374bc6a7efa0000",
        hex(TranscriptionCoder.of(), fresh));
    assertEquals(
        "010261320109776869737065722d31010b68656c6c6f207468657265400c00000000000000000000"
            + "000000010000000000000002000000000000000300000000000000000100",
        hex(TranscriptionCoder.of(), fresh.fromCache("a2")));
    assertEquals(
        "010261330109776869737065722d3101000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000010109544f4f5f4c41524745010362696700000000ff"
            + "ffffffffffffff",
        hex(
            TranscriptionCoder.of(),
            Transcription.failed("a3", "whisper-1", ApiError.of(ErrorKind.TOO_LARGE, "big"))));
  }

  @Test
  public void rankingRoundTrips() throws Exception {
    Ranking fresh =
        new Ranking(
            "q1",
            "rerank-v3.5",
            List.of(new Ranking.Scored(2, 0.91), new Ranking.Scored(0, 0.12)),
            1,
            0.002,
            false,
            null);
    RankingCoder coder = RankingCoder.of();
    coder.verifyDeterministic();
    CoderProperties.coderDecodeEncodeEqual(coder, fresh);
    CoderProperties.coderDecodeEncodeEqual(coder, fresh.fromCache(null));
    CoderProperties.coderDecodeEncodeEqual(coder, Ranking.failed("q2", "rerank-v3.5", RATE_LIMIT));
    CoderProperties.coderDeterministic(
        coder, fresh, new Ranking("q1", "rerank-v3.5", fresh.results(), 1, 0.002, false, null));
  }

  @Test
  public void rankingCoderRegistered() throws Exception {
    assertSame(
        RankingCoder.of(),
        Pipeline.create().getCoderRegistry().getCoder(TypeDescriptor.of(Ranking.class)));
  }
}
