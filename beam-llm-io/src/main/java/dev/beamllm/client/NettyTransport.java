package dev.beamllm.client;

import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 with keep-alive on Netty, for plain-http servers (local vLLM or Ollama, the fake
 * provider). It costs a fraction of the JDK client's CPU per request, which matters when thousands
 * of requests a second go to a server without rate limits. Idle connections are kept per host and
 * reused; at most one request is on a connection at a time, so connections are bounded by the
 * requests in flight.
 */
final class NettyTransport implements AutoCloseable {
  private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("beamllm.pending");

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  /** One request waiting for its answer on a channel. */
  private record Pending(
      CompletableFuture<HttpAnswer> future, String hostKey, ScheduledFuture<?> timeout) {}

  NettyTransport() {
    this.group =
        new NioEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("beamllm-netty", true));
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024 * 1024))
                        .addLast(new AnswerHandler());
                  }
                });
  }

  /**
   * Sends a call; the future fails with {@link HttpTimeoutException} or an {@link IOException}, or
   * an {@link IllegalArgumentException} for a request that cannot be written at all.
   */
  CompletableFuture<HttpAnswer> send(HttpCall call, Duration timeout) {
    URI uri = call.uri();
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    String hostKey = uri.getHost() + ":" + port;
    CompletableFuture<HttpAnswer> future = new CompletableFuture<>();
    Channel channel = pooled(hostKey);
    if (channel != null) {
      safeWrite(channel, call, hostKey, future, timeout);
    } else {
      ChannelFuture connect = bootstrap.connect(uri.getHost(), port);
      connect.addListener(
          f -> {
            if (f.isSuccess()) {
              safeWrite(connect.channel(), call, hostKey, future, timeout);
            } else {
              future.completeExceptionally(
                  new ConnectException(
                      "cannot connect to " + hostKey + ": " + f.cause().getMessage()));
            }
          });
    }
    return future;
  }

  private Channel pooled(String hostKey) {
    ConcurrentLinkedDeque<Channel> pool = idle.get(hostKey);
    if (pool == null) {
      return null;
    }
    Channel c;
    while ((c = pool.pollFirst()) != null) {
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  /**
   * Writes, and fails the future on any error building the request; the message names only the
   * exception's type, because Netty's may quote a header value, that is, a key.
   */
  private void safeWrite(
      Channel channel,
      HttpCall call,
      String hostKey,
      CompletableFuture<HttpAnswer> future,
      Duration timeout) {
    try {
      write(channel, call, hostKey, future, timeout);
    } catch (RuntimeException e) {
      channel.close();
      future.completeExceptionally(
          new IllegalArgumentException(
              "the request could not be written: " + e.getClass().getSimpleName()));
    }
  }

  private void write(
      Channel channel,
      HttpCall call,
      String hostKey,
      CompletableFuture<HttpAnswer> future,
      Duration timeout) {
    URI uri = call.uri();
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    // The text body in UTF-8, or an upload's bytes as they are.
    byte[] body = call.bodyBytes();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(call.method()),
            target,
            Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.HOST, hostKey);
    call.headers().forEach((k, v) -> request.headers().set(k, v));
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    HttpUtil.setKeepAlive(request, true);
    ScheduledFuture<?> timer =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (future.completeExceptionally(new HttpTimeoutException("request timed out"))) {
                    channel.close();
                  }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    channel.attr(PENDING).set(new Pending(future, hostKey, timer));
    channel
        .writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                timer.cancel(false);
                future.completeExceptionally(
                    new IOException("send failed: " + f.cause().getMessage(), f.cause()));
                channel.close();
              }
            });
  }

  private final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      Pending p = ctx.channel().attr(PENDING).getAndSet(null);
      if (p == null) {
        return;
      }
      p.timeout().cancel(false);
      Map<String, List<String>> headers = new HashMap<>();
      response
          .headers()
          .forEach(
              h ->
                  headers
                      .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                      .add(h.getValue()));
      HttpAnswer answer =
          new HttpAnswer(
              response.status().code(),
              headers,
              response.content().toString(StandardCharsets.UTF_8));
      if (HttpUtil.isKeepAlive(response) && !response.decoderResult().isFailure()) {
        idle.computeIfAbsent(p.hostKey(), k -> new ConcurrentLinkedDeque<>())
            .addFirst(ctx.channel());
      } else {
        ctx.close();
      }
      p.future().complete(answer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      Pending p = ctx.channel().attr(PENDING).getAndSet(null);
      if (p != null) {
        p.timeout().cancel(false);
        p.future()
            .completeExceptionally(
                new IOException("connection closed before the answer was complete"));
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Pending p = ctx.channel().attr(PENDING).getAndSet(null);
      if (p != null) {
        p.timeout().cancel(false);
        p.future()
            .completeExceptionally(
                new IOException("connection failed: " + cause.getMessage(), cause));
      }
      ctx.close();
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
