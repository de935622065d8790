package dev.beamllm.beam;

import dev.beamllm.response.Ranking;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;

/**
 * Encodes a {@link Ranking}: id, model, each kept document's index and score, search units, cost,
 * whether a cache hit, and the error if any. Deterministic, and a few bytes a document where Java
 * serialization wrote the class descriptions with every ranking.
 */
public final class RankingCoder extends AtomicCoder<Ranking> {
  private static final RankingCoder INSTANCE = new RankingCoder();
  private static final NullableCoder<String> STRING = ResultTail.STRING;

  private RankingCoder() {}

  /** The one instance, stateless. */
  public static RankingCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Ranking r, OutputStream out) throws IOException {
    if (r == null) {
      throw new CoderException("cannot encode a null Ranking");
    }
    STRING.encode(r.id(), out);
    STRING.encode(r.model(), out);
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(r.results().size());
    for (Ranking.Scored s : r.results()) {
      data.writeInt(s.index());
      data.writeDouble(s.score());
    }
    data.writeLong(r.searchUnits());
    data.writeDouble(r.cost());
    data.flush();
    new ResultTail(r.cacheHit(), r.error()).encode(out);
  }

  @Override
  public Ranking decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    String model = STRING.decode(in);
    DataInputStream data = new DataInputStream(in);
    int n = data.readInt();
    if (n < 0) {
      throw new CoderException("cannot decode Ranking: a negative result count");
    }
    List<Ranking.Scored> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(new Ranking.Scored(data.readInt(), data.readDouble()));
    }
    long searchUnits = data.readLong();
    double cost = data.readDouble();
    ResultTail tail = ResultTail.decode(in);
    // Every field is written, so the record comes back as it was, a failure or not.
    return new Ranking(id, model, results, searchUnits, cost, tail.cacheHit(), tail.error());
  }

  @Override
  public void verifyDeterministic() {}
}
