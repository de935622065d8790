package dev.beamllm.cache;

import java.util.Collection;
import java.util.Map;

/**
 * Where a client notes the provider batches it submitted, request key by request key, in the same
 * store as the answers ({@link ResponseCache#batchLedger()}): a job killed while its batches ran
 * finds them when it runs again and waits for their results instead of submitting (and paying for)
 * the same requests twice. A key is forgotten once its answer is stored or it is sent again.
 * Implementations are thread-safe.
 */
public interface BatchLedger {

  /**
   * A submitted batch.
   *
   * @param batchId the provider's id of the batch
   * @param model the model it runs on, by the id the registry gives it
   */
  record Pending(String batchId, String model) {
    /** Checks the parts: neither blank, no tab (the stores join them with one). */
    public Pending {
      if (batchId == null || batchId.isBlank() || batchId.indexOf('\t') >= 0) {
        throw new IllegalArgumentException("batch id: not a provider's id: " + batchId);
      }
      if (model == null || model.isBlank() || model.indexOf('\t') >= 0) {
        throw new IllegalArgumentException("model: not a model id: " + model);
      }
    }

    /** The form the stores keep: model, a tab, batch id. */
    String stored() {
      return model + '\t' + batchId;
    }

    /** Reads {@link #stored()}; null for a value that is not one. */
    static Pending parse(String stored) {
      int tab = stored == null ? -1 : stored.indexOf('\t');
      if (tab <= 0 || tab == stored.length() - 1) {
        return null;
      }
      return new Pending(stored.substring(tab + 1), stored.substring(0, tab));
    }
  }

  /**
   * Notes that a batch holds requests with these keys; returns once it is stored (durably, for a
   * persistent store).
   *
   * @throws IllegalStateException when the store cannot be written
   */
  void submitted(Pending batch, Collection<String> keys);

  /**
   * The batches noted for any of these keys, by key.
   *
   * @throws IllegalStateException when the store cannot be read
   */
  Map<String, Pending> pending(Collection<String> keys);

  /** Forgets these keys: their answers are stored, or they are sent again. */
  void forget(Collection<String> keys);

  /** A ledger that notes nothing: a job without a persistent store cannot resume its batches. */
  BatchLedger NONE =
      new BatchLedger() {
        @Override
        public void submitted(Pending batch, Collection<String> keys) {}

        @Override
        public Map<String, Pending> pending(Collection<String> keys) {
          return Map.of();
        }

        @Override
        public void forget(Collection<String> keys) {}
      };
}
