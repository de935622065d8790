package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ToolResult;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The step before admission for models whose API takes images as bytes only (Claude and every model
 * on Bedrock: {@link dev.beamllm.provider.ProviderAdapter#takesImageUrls}): each image the
 * conversation gives by URL is fetched once and sent as bytes, so the row still gets an answer.
 * Fetching is bounded: the client's request timeout, at most {@link #MAX_BYTES} per image, and an
 * image it must be (an {@code image/*} content type when the server names one, then PNG, JPEG, GIF
 * or WebP by its bytes). A URL that cannot be fetched fails the future with an {@link
 * InvalidPromptException} naming it and why. Thread-safe.
 */
final class InlineImages {
  /**
   * The largest image fetched: 3.75 MB, Bedrock's limit per image ("Each image's size, height, and
   * width must be no more than 3.75 MB, 8000 px, and 8000 px", Converse API reference, Message).
   */
  static final int MAX_BYTES = 3 * 1024 * 1024 + 768 * 1024;

  private final WireRequests wire;
  private final HttpTransport transport;
  private final Duration timeout;

  /**
   * @param timeout the longest wait for one image's headers (and again for its body)
   */
  InlineImages(WireRequests wire, HttpTransport transport, Duration timeout) {
    this.wire = wire;
    this.transport = transport;
    this.timeout = timeout;
  }

  /** Whether the conversation must be inlined before it goes to this model. */
  boolean needed(ModelSpec spec, Conversation conversation) {
    return !wire.adapter(spec).takesImageUrls() && hasUrlImages(conversation);
  }

  /** The conversation with every image by URL replaced by its fetched bytes. */
  CompletableFuture<Conversation> inline(Conversation conversation) {
    Map<String, CompletableFuture<Image>> fetches = new LinkedHashMap<>();
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        for (Part p : part instanceof ToolResult r ? r.content() : List.of(part)) {
          if (p instanceof Image image && image.origin() == Image.Origin.URL) {
            fetches.computeIfAbsent(image.location().orElseThrow(), this::fetch);
          }
        }
      }
    }
    return CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> replaced(conversation, fetches));
  }

  private CompletableFuture<Image> fetch(String url) {
    CompletableFuture<HttpTransport.Fetched> fetched;
    try {
      fetched = transport.fetch(URI.create(url), timeout, MAX_BYTES);
    } catch (RuntimeException e) {
      fetched = CompletableFuture.failedFuture(e);
    }
    return fetched.handle(
        (f, error) -> {
          if (error != null) {
            throw failure(url, reason(error));
          }
          String type = f.contentType();
          if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw failure(url, "not an image (content-type " + type + ")");
          }
          try {
            return Image.fromBytes(f.body());
          } catch (InvalidPromptException e) {
            throw failure(url, e.getMessage());
          }
        });
  }

  private static Conversation replaced(
      Conversation conversation, Map<String, CompletableFuture<Image>> fetched) {
    List<Message> messages = new ArrayList<>();
    for (Message m : conversation.messages()) {
      List<Part> parts = new ArrayList<>();
      for (Part part : m.parts()) {
        if (part instanceof ToolResult r) {
          List<Part> content = new ArrayList<>();
          r.content().forEach(p -> content.add(replaced(p, fetched)));
          parts.add(new ToolResult(r.callId(), content, r.isError()));
        } else {
          parts.add(replaced(part, fetched));
        }
      }
      messages.add(Message.of(m.role(), parts));
    }
    Conversation out = Conversation.of(messages);
    out = conversation.id().map(out::withId).orElse(out);
    return conversation.metadataJson().map(out::withMetadataJson).orElse(out);
  }

  private static Part replaced(Part part, Map<String, CompletableFuture<Image>> fetched) {
    if (part instanceof Image image && image.origin() == Image.Origin.URL) {
      return fetched.get(image.location().orElseThrow()).join().withDetail(image.detail());
    }
    return part;
  }

  private static boolean hasUrlImages(Conversation conversation) {
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        for (Part p : part instanceof ToolResult r ? r.content() : List.of(part)) {
          if (p instanceof Image image && image.origin() == Image.Origin.URL) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Why a fetch failed, in a few words: the HTTP status, the size, the timeout, the I/O error. */
  private static String reason(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof UncheckedIOException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
      return "no answer within the request timeout";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static InvalidPromptException failure(String url, String why) {
    return new InvalidPromptException(
        "the image at " + url + " could not be fetched to send inline: " + why);
  }
}
