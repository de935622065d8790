package dev.beamllm.provider;

import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.openai.OpenAiChatAdapter;
import dev.beamllm.provider.openai.OpenAiResponsesAdapter;
import java.util.EnumMap;
import java.util.Map;

/** The adapter for each wire format. */
public final class Adapters {
  private static final Map<WireFormat, ProviderAdapter> ADAPTERS = new EnumMap<>(WireFormat.class);

  static {
    ADAPTERS.put(WireFormat.OPENAI, new OpenAiChatAdapter());
    ADAPTERS.put(WireFormat.OPENAI_RESPONSES, new OpenAiResponsesAdapter());
  }

  private Adapters() {}

  /** The adapter for a wire format. */
  public static ProviderAdapter forFormat(WireFormat format) {
    ProviderAdapter a = ADAPTERS.get(format);
    if (a == null) {
      throw new UnsupportedOperationException("no adapter for the " + format.wireName() + " wire format yet");
    }
    return a;
  }
}
