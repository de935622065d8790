package dev.beamllm.cache;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import dev.beamllm.response.SampleResponses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The SQLite cache: lossless storage, persistence across objects, concurrent writers,
 * serialization.
 */
public class SqliteCacheTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void storedAnswersComeBackEqual() {
    ResponseCache cache = ResponseCache.sqlite(file());
    Map<String, ApiResponse> samples = SampleResponses.all();
    samples.forEach(cache::put);
    for (Map.Entry<String, ApiResponse> e : samples.entrySet()) {
      if (e.getValue().isError()) {
        assertFalse(
            e.getKey() + ": failed answers are not stored", cache.get(e.getKey()).isPresent());
      } else {
        assertEquals(e.getKey(), e.getValue(), cache.get(e.getKey()).orElseThrow());
      }
    }
    assertFalse(cache.get("never stored").isPresent());
  }

  @Test
  public void aLaterPutReplacesTheEntry() {
    ResponseCache cache = ResponseCache.sqlite(file());
    cache.put("k", SampleResponses.text());
    ApiResponse newer = SampleResponses.text().toBuilder().setAttempts(1).build();
    cache.put("k", newer);
    assertEquals(newer, cache.get("k").orElseThrow());
  }

  @Test
  public void theFileIsInWalModeWithTheDocumentedTable() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("nested/dir/cache.db");
    long before = System.currentTimeMillis();
    ResponseCache.sqlite(file).put("k", SampleResponses.text());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      try (ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
        assertEquals("wal", mode.getString(1));
      }
      try (ResultSet row = s.executeQuery("SELECT key, response, created_at FROM responses")) {
        assertTrue(row.next());
        assertEquals("k", row.getString("key"));
        assertEquals(SampleResponses.text(), ApiResponseJson.fromJson(row.getString("response")));
        assertTrue(row.getLong("created_at") >= before);
        assertFalse(row.next());
      }
    }
  }

  @Test
  public void aSecondCacheOnTheSameFileSeesTheEntries() {
    Path file = file();
    ResponseCache first = ResponseCache.sqlite(file);
    first.put("a", SampleResponses.text());
    ResponseCache second = ResponseCache.sqlite(file);
    assertEquals(SampleResponses.text(), second.get("a").orElseThrow());
    second.put("b", SampleResponses.all().get("thinking"));
    assertEquals(SampleResponses.all().get("thinking"), first.get("b").orElseThrow());
  }

  @Test
  public void eightThreadsPutAtOnce() throws Exception {
    Path file = file();
    ResponseCache shared = ResponseCache.sqlite(file);
    int threads = 8;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        // Half the threads share one cache object (its lock), half have their own (SQLite's
        // locking).
        ResponseCache cache = t % 2 == 0 ? shared : ResponseCache.sqlite(file);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    cache.put(thread + "/" + i, answer(thread, i));
                    cache.put("same key", answer(thread, i));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ResponseCache reader = ResponseCache.sqlite(file);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertEquals(answer(t, i), reader.get(t + "/" + i).orElseThrow());
      }
    }
    assertTrue(reader.get("same key").isPresent());
  }

  @Test
  public void onlyThePathIsSerializedAndTheCopyOpensTheFileItself() throws Exception {
    ResponseCache cache = ResponseCache.sqlite(file());
    cache.put("before", SampleResponses.text());
    ResponseCache copy = roundTrip(cache);
    assertEquals(SampleResponses.text(), copy.get("before").orElseThrow());
    copy.put("after", SampleResponses.all().get("tool calls"));
    assertEquals(SampleResponses.all().get("tool calls"), cache.get("after").orElseThrow());
    assertEquals(SampleResponses.text(), roundTrip(copy).get("before").orElseThrow());
  }

  private Path file() {
    return tmp.getRoot().toPath().resolve("cache.db");
  }

  private static ApiResponse answer(int thread, int i) {
    return SampleResponses.text().toBuilder().setConversationId(thread + "/" + i).build();
  }

  private static ResponseCache roundTrip(ResponseCache cache) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(cache);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ResponseCache) in.readObject();
    }
  }
}
