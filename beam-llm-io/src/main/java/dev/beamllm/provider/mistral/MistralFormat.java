package dev.beamllm.provider.mistral;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.openai.OpenAiChatFormat;
import java.math.BigInteger;

/**
 * Mistral chat completions {@code messages}: OpenAI's shape, except that {@code image_url} may be a
 * plain URL string, tool messages name their tool, PDFs go as {@code document_url}, tool-call ids
 * are nine letters or digits, a user turn may not follow a tool turn directly, and audio (Voxtral)
 * goes as {@code {"type": "input_audio", "input_audio": "<base64>"}}, the bytes alone with no
 * format field. References: docs.mistral.ai/api (chat completions),
 * docs.mistral.ai/studio/audio/speech_to_text/offline_transcription ("Chat with Audio") and the
 * official SDK's {@code AudioChunk} ({@code input_audio: str}).
 */
public final class MistralFormat {
  private static final String API = "Mistral chat";
  private static final String ID_ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** Mistral's departures from OpenAI's chat shape. */
  static final OpenAiChatFormat.Dialect DIALECT =
      new OpenAiChatFormat.Dialect() {
        @Override
        public String api() {
          return API;
        }

        /**
         * Mistral requires tool-call ids of exactly nine letters or digits; other ids are mapped to
         * a stable nine-character hash so a call and its result still match.
         */
        @Override
        public String callId(String id) {
          if (id.matches("[A-Za-z0-9]{9}")) {
            return id;
          }
          BigInteger n = new BigInteger(1, Digests.sha256(id));
          BigInteger base = BigInteger.valueOf(ID_ALPHABET.length());
          StringBuilder out = new StringBuilder();
          for (int i = 0; i < 9; i++) {
            BigInteger[] qr = n.divideAndRemainder(base);
            out.append(ID_ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
          }
          return out.toString();
        }

        /**
         * Mistral rejects a user turn right after a tool turn ("Unexpected role 'user' after role
         * 'tool'"), so a short assistant turn bridges them.
         */
        @Override
        public void beforeUserTurn(ArrayNode messages) {
          if (messages.size() > 0
              && "tool".equals(messages.get(messages.size() - 1).path("role").asText())) {
            messages.addObject().put("role", "assistant").put("content", "Tool results received.");
          }
        }

        @Override
        public void toolMessage(ObjectNode tool, String toolName) {
          tool.put("name", toolName);
        }

        @Override
        public ObjectNode imagePart(Image image) {
          return image.detail() == Image.Detail.AUTO
              ? Json.object().put("type", "image_url").put("image_url", image.url())
              : null;
        }

        @Override
        public ObjectNode audioPart(Audio audio) {
          return Json.object().put("type", "input_audio").put("input_audio", audio.base64());
        }

        @Override
        public ObjectNode documentPart(File file) {
          ObjectNode doc = Json.object().put("type", "document_url");
          switch (file.origin()) {
            case URL -> doc.put("document_url", file.location().orElseThrow());
            case PATH, BYTES -> doc.put("document_url", file.dataUrl());
            case FILE_ID ->
                throw new UnsupportedPartException(
                    API, "a file id (" + file.describe() + "); give the bytes or a URL");
          }
          file.filename().ifPresent(name -> doc.put("document_name", name));
          return doc;
        }
      };

  private MistralFormat() {}

  /** {@code {"messages": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    return OpenAiChatFormat.render(conversation, DIALECT);
  }
}
