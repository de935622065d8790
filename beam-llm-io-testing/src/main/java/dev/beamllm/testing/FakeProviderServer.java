package dev.beamllm.testing;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fake LLM provider on a loopback port that speaks OpenAI (chat, Responses with background mode,
 * embeddings, and Azure's deployment paths), Anthropic, Gemini, Mistral, Cohere and Bedrock,
 * enforces requests/min, tokens/min and concurrency like the providers do, injects faults on demand
 * and answers deterministically (see {@link FakeAnswerer}). Latency is scheduled on the event loop,
 * so no thread is held per request.
 *
 * <p>Its counters and the last requests it received are also served over HTTP ({@code GET
 * /fake/stats}, {@code GET /fake/requests?limit=N}, {@code POST /fake/reset}; see {@link
 * FakeControl}), for jobs that run in another process than the server. Conversations can be
 * scripted turn by turn ({@link #script}, or {@code POST /fake/script}).
 *
 * <p>The providers' batch APIs are served too, in memory: Anthropic Message Batches ({@link
 * AnthropicBatches}), OpenAI's Files and Batch API ({@link OpenAiBatches}) and Gemini's batch mode
 * with inline requests ({@link GeminiBatches}); each request of a batch is validated and answered
 * as the synchronous endpoint would. See {@link Builder#batchCompletion}, {@link
 * Builder#batchFailEvery}, {@link Builder#batchExpire} and {@link #batchesCreated()}.
 *
 * <pre>{@code
 * try (FakeProviderServer fake = FakeProviderServer.builder()
 *         .requestsPerMinute(600).latency(FakeLatency.fixed(Duration.ofMillis(50))).start()) {
 *   String openAiBase = fake.baseUrl() + "/v1";
 *   ...
 *   assertEquals(0, fake.stats().rateLimited());
 * }
 * }</pre>
 */
public final class FakeProviderServer implements AutoCloseable {
  private static final AttributeKey<AtomicInteger> HUNG = AttributeKey.valueOf("beamllm.hung");
  private static final int SECONDS_TRACKED = 24 * 3600;

  private final Builder config;

  /** When the cold start began ({@link System#nanoTime()}), or {@link #NOT_STARTED}. */
  private final AtomicLong coldStartFrom = new AtomicLong(NOT_STARTED);

  private static final long NOT_STARTED = Long.MIN_VALUE;
  private final List<Route> routes;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel serverChannel;
  private volatile RateLimiter limiter;
  private volatile FaultPlan.Cursor faults;
  private final PromptCacheStore promptCache = new PromptCacheStore();
  private final RequestLog log;
  private final Counters counters = new Counters();
  private final FakeControl control;
  private final ConversationScripts scripts = new ConversationScripts();
  private final Batches batches;

  private FakeProviderServer(Builder config) throws InterruptedException {
    this.config = config;
    this.batches =
        new Batches(
            config.batchCompletion,
            config.batchFailEvery,
            config.batchExpire,
            new Batches.Lines() {
              @Override
              public ParsedRequest validate(
                  Dialect dialect, FakeHttpRequest request, String pathModel) {
                return validated(dialect, request, pathModel);
              }

              @Override
              public FakeHttpResponse answer(Dialect dialect, ParsedRequest request) {
                counters.received(System.nanoTime());
                Answer answer = FakeProviderServer.this.answer(request);
                counters.accepted(answer, System.nanoTime());
                return dialect.success(request, answer, RateLimitState.UNLIMITED);
              }
            });
    this.routes = Routes.all(batches);
    this.limiter = newLimiter();
    this.faults = new FaultPlan.Cursor(config.faults, config.seed);
    this.log = new RequestLog(config.requestLogCapacity);
    this.control = new FakeControl(this::stats, log, this::reset, scripts, this::batchesCreated);
    this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("fake-provider-accept", true));
    this.workers =
        new NioEventLoopGroup(config.ioThreads, new DefaultThreadFactory("fake-provider-io", true));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(64 * 1024 * 1024))
                        .addLast(new Handler());
                  }
                });
    this.serverChannel = bootstrap.bind(config.host, config.port).sync().channel();
  }

  /** A builder: unlimited, no latency, no faults, no key required, on a free loopback port. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** {@code http://127.0.0.1:PORT}; providers' paths follow (e.g. {@code /v1/chat/completions}). */
  public String baseUrl() {
    return "http://" + config.host + ":" + port();
  }

  /**
   * A copy of the registry whose every model calls this server: each wire format's base URL is
   * replaced by this server's path for it (Mistral under {@code /mistral/v1}, Azure under {@code
   * /openai/deployments/{deployment}}).
   */
  public ModelRegistry pointRegistry(ModelRegistry registry) {
    return pointRegistry(registry, baseUrl());
  }

  /**
   * The registry with every model's API base moved to a fake provider at {@code baseUrl} (one
   * started elsewhere, such as {@code ./run.sh fake-server}), each under its provider's path.
   */
  public static ModelRegistry pointRegistry(ModelRegistry registry, String baseUrl) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    List<ModelSpec> moved = new ArrayList<>();
    for (ModelSpec m : registry.models()) {
      moved.add(m.toBuilder().setApiBase(apiBaseFor(m, base)).build());
    }
    return registry.withModels(moved);
  }

  private static String apiBaseFor(ModelSpec m, String base) {
    return switch (m.wireFormat()) {
      case OPENAI ->
          m.provider().equals("azure") ? base + "/openai/deployments/{deployment}" : base + "/v1";
      case OPENAI_RESPONSES, ANTHROPIC -> base + "/v1";
      case GEMINI -> base + "/v1beta";
      case MISTRAL -> base + "/mistral/v1";
      case COHERE -> base + "/v2";
      case VOYAGE -> base + "/voyage/v1";
      case JINA -> base + "/jina/v1";
      case BEDROCK_ANTHROPIC, BEDROCK_CONVERSE -> base;
    };
  }

  /**
   * The endpoints served, one line each: method, path and what it is (the providers' first, then
   * its own {@code /fake/} ones).
   */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (Route r : routes) {
      out.add(line(r.method(), Routes.display(r), r.description()));
    }
    for (FakeControl.Endpoint e : FakeControl.ENDPOINTS) {
      out.add(line(e.method(), e.path(), e.description()));
    }
    return out;
  }

  private static String line(String method, String path, String description) {
    return String.format(Locale.ROOT, "%-4s %-58s %s", method, path, description);
  }

  /** A snapshot of the counters. */
  public FakeServerStats stats() {
    return counters.snapshot(System.nanoTime());
  }

  /**
   * The requests kept in the log, oldest first, secrets masked: every request received since start
   * or the last reset, or the newest {@link Builder#requestLogCapacity} of them once more arrived;
   * empty when the log is off. Requests to the {@code /fake/} endpoints are not logged.
   */
  public List<RecordedRequest> requests() {
    return log.all();
  }

  /**
   * Scripts a conversation turn by turn: a request whose first user message's text contains {@code
   * match} is answered, in any wire format, with {@code turns.get(k)}, k being the number of
   * assistant messages already in its conversation (text, or tool calls with the arguments given
   * and generated ids); past the last turn, with a text saying the script is exhausted. Scripts
   * come before the answerer's rules (see {@link FakeAnswerer}); when several match, the newest
   * wins, and a script under a match already scripted replaces it. {@link #reset()} clears them.
   * Also {@code POST /fake/script} with {@code {"match": "...", "turns": [{"tool_calls": [{"name":
   * "lookup", "arguments": {...}}]}, {"text": "..."}]}}.
   *
   * @param match the substring of the first user message that selects the script ("" matches every
   *     conversation)
   * @param turns the assistant turns, at least one
   */
  public void script(String match, List<ScriptedTurn> turns) {
    scripts.add(new ConversationScripts.Script(match, turns));
  }

  /**
   * Batches created since start or the last {@link #reset()}, on every provider's batch API
   * (Anthropic Message Batches, OpenAI Batch API): a job that resumes an already submitted batch
   * must not add one. Batches themselves survive a reset.
   */
  public long batchesCreated() {
    return batches.created();
  }

  /**
   * Clears counters, the request log, the prompt cache, fault-script positions, scripted
   * conversations and the count of batches created, and refills the limits.
   */
  public void reset() {
    batches.resetCount();
    scripts.clear();
    counters.reset();
    log.clear();
    promptCache.clear();
    faults = new FaultPlan.Cursor(config.faults, config.seed);
    limiter = newLimiter();
  }

  /** Stops listening, closes every connection (ending hung requests) and frees the threads. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private RateLimiter newLimiter() {
    return new RateLimiter(config.rpm, config.tpm, config.maxConcurrent, System::nanoTime);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      try {
        handle(ctx, req);
      } catch (RuntimeException e) {
        write(ctx, bug(e), false);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      AtomicInteger hung = ctx.channel().attr(HUNG).get();
      if (hung != null) {
        RateLimiter l = limiter;
        for (int i = hung.getAndSet(0); i > 0; i--) {
          l.release();
        }
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    Map<String, String> headers = new LinkedHashMap<>();
    req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    String type = headers.getOrDefault("content-type", "");
    // A multipart upload may carry a binary file (audio), which only its bytes keep intact.
    byte[] raw =
        type.toLowerCase(Locale.ROOT).startsWith("multipart/")
            ? ByteBufUtil.getBytes(req.content())
            : null;
    FakeHttpRequest request =
        new FakeHttpRequest(
            req.method().name(),
            uri.path(),
            uri.parameters(),
            headers,
            req.content().toString(StandardCharsets.UTF_8),
            raw);
    if (FakeControl.handles(request.path())) {
      // Before the log and the counters: looking at the server must not change what it shows.
      write(ctx, control.answer(request), keepAlive);
      return;
    }
    if (log.enabled()) {
      record(request, req.uri());
    }
    Route.Match match = Route.match(routes, request.method(), request.path());
    if (match == null) {
      counters.badRequests.increment();
      write(
          ctx,
          FakeHttpResponse.json(
              404,
              "{\"error\":{\"message\":\"no such endpoint: "
                  + request.method()
                  + " "
                  + request.path()
                  + "\"}}"),
          keepAlive);
      return;
    }
    if (match.route().side() != null) {
      answerSide(ctx, match, request, keepAlive);
      return;
    }
    long held = coldStartNanos();
    if (held <= 0) {
      answerModel(ctx, match, request, keepAlive);
      return;
    }
    later(
        ctx,
        held,
        () -> {
          try {
            answerModel(ctx, match, request, keepAlive);
          } catch (RuntimeException e) {
            write(ctx, bug(e), false);
          }
        });
  }

  /**
   * How long a model request arriving now is held before it reaches the limiter: until the end of
   * the cold start that the first model request began (0 without one, or after it).
   */
  private long coldStartNanos() {
    if (config.coldStart.isZero()) {
      return 0;
    }
    long now = System.nanoTime();
    coldStartFrom.compareAndSet(NOT_STARTED, now);
    return coldStartFrom.get() + config.coldStart.toNanos() - now;
  }

  /** A model request, from the moment it reaches the provider's limiter. */
  private void answerModel(
      ChannelHandlerContext ctx, Route.Match match, FakeHttpRequest request, boolean keepAlive) {
    Dialect dialect = match.route().dialect();
    counters.received(System.nanoTime());
    ParsedRequest parsed;
    try {
      checkKey(dialect, request);
      parsed = validated(dialect, request, match.pathModel());
    } catch (ProviderError e) {
      if (e.kind == ErrorKind.BAD_REQUEST
          || e.kind == ErrorKind.CONTEXT_LENGTH
          || e.kind == ErrorKind.NOT_FOUND) {
        counters.badRequests.increment();
      }
      write(ctx, dialect.error(e), keepAlive);
      return;
    }

    RateLimiter l = limiter;
    long reserved = parsed.inputTokens() + parsed.maxTokens();
    RateLimiter.Admission admission = l.tryAcquire(reserved);
    if (!admission.admitted()) {
      counters.rateLimited(admission.state().limitedBy(), System.nanoTime());
      String message =
          "Rate limit reached for "
              + admission.state().limitedBy()
              + " on model "
              + parsed.model()
              + "; retry after "
              + admission.state().retryAfterSeconds()
              + "s";
      write(ctx, dialect.error(ErrorKind.RATE_LIMIT, message, null, admission.state()), keepAlive);
      return;
    }
    counters.concurrency(l.inFlight());
    Fault fault = faults.next(parsed.model());
    long delay = config.latency.sampleNanos();
    if (fault != Fault.NONE) {
      counters.fault(fault);
    }
    switch (fault) {
      case HANG -> {
        l.refund(reserved);
        ctx.channel().attr(HUNG).setIfAbsent(new AtomicInteger());
        ctx.channel().attr(HUNG).get().incrementAndGet();
      }
      case NONE, MALFORMED_JSON, DROP_CONNECTION -> {
        Answer answer = answer(parsed);
        l.refund(parsed.maxTokens() - Math.min(parsed.maxTokens(), answer.outputTokens()));
        // A background job is acknowledged at once; the latency delays its answer instead.
        FakeHttpResponse started =
            dialect.startInBackground(parsed, answer, l.snapshot(), System.nanoTime() + delay);
        FakeHttpResponse response =
            started != null ? started : dialect.success(parsed, answer, l.snapshot());
        if (fault == Fault.NONE || fault == Fault.MALFORMED_JSON) {
          counters.accepted(answer, System.nanoTime());
        }
        later(
            ctx,
            started != null ? 0 : delay,
            () -> {
              l.release();
              if (fault == Fault.DROP_CONNECTION) {
                drop(ctx, response);
              } else {
                write(
                    ctx, fault == Fault.MALFORMED_JSON ? malformed(response) : response, keepAlive);
              }
            });
      }
      default -> {
        l.refund(reserved);
        FakeHttpResponse error =
            dialect.error(kindOf(fault), faultMessage(fault, dialect, parsed), null, l.snapshot());
        later(
            ctx,
            delay,
            () -> {
              l.release();
              write(ctx, error, keepAlive);
            });
      }
    }
  }

  /**
   * A model request validated as the dialect does, with its tokens counted as configured, its model
   * served and within the context window.
   */
  private ParsedRequest validated(Dialect dialect, FakeHttpRequest request, String pathModel) {
    ParsedRequest parsed = dialect.parse(request, pathModel);
    if (config.tokenCounting != TokenCounting.TOKENIZER) {
      parsed = parsed.withInputTokens(config.tokenCounting.inputTokens(parsed));
    }
    if (config.models != null && !config.models.contains(parsed.model())) {
      throw new ProviderError(ErrorKind.NOT_FOUND, "model '" + parsed.model() + "' not found");
    }
    if (parsed.inputTokens() + (long) parsed.maxTokens() > config.contextWindow) {
      throw new ProviderError(ErrorKind.CONTEXT_LENGTH, contextMessage(dialect, parsed));
    }
    return parsed;
  }

  /**
   * Refuses credentials of the wrong form, and a wrong or missing key when the server requires one.
   */
  private void checkKey(Dialect dialect, FakeHttpRequest request) {
    if (config.keyless && config.apiKey == null && request.header("authorization") == null) {
      // A job that strips keys (the main job on the fake) sends none at all; see Builder#keyless.
      return;
    }
    ProviderError credentials = dialect.credentialsProblem(request);
    if (credentials != null) {
      throw credentials;
    }
    if (config.apiKey != null) {
      String key = dialect.apiKey(request);
      if (!config.apiKey.equals(key)) {
        counters.unauthorized.increment();
        throw new ProviderError(
            ErrorKind.UNAUTHORIZED, key == null ? "missing API key" : "invalid API key");
      }
    }
  }

  /**
   * A side endpoint's request: the key is checked as for the dialect's model requests, then the
   * endpoint answers at once.
   */
  private void answerSide(
      ChannelHandlerContext ctx, Route.Match match, FakeHttpRequest request, boolean keepAlive) {
    Dialect dialect = match.route().dialect();
    FakeHttpResponse response;
    try {
      checkKey(dialect, request);
      response = match.route().side().answer(request, match.pathModel());
    } catch (ProviderError e) {
      response = dialect.error(e);
    }
    write(ctx, response, keepAlive);
  }

  private Answer answer(ParsedRequest parsed) {
    PromptCacheStore.Use cache =
        promptCache.use(parsed.model(), parsed.cachePlan(), config.promptCacheMinTokens);
    return FakeAnswerer.answer(parsed, cache.read(), cache.write(), cache.write1h(), scripts);
  }

  private static ErrorKind kindOf(Fault fault) {
    return switch (fault) {
      case SERVER_ERROR -> ErrorKind.SERVER_ERROR;
      case BAD_GATEWAY -> ErrorKind.BAD_GATEWAY;
      case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
      case OVERLOADED -> ErrorKind.OVERLOADED;
      case CONTEXT_LENGTH -> ErrorKind.CONTEXT_LENGTH;
      case UNAUTHORIZED -> ErrorKind.UNAUTHORIZED;
      case MODEL_NOT_FOUND -> ErrorKind.NOT_FOUND;
      case QUOTA_EXHAUSTED -> ErrorKind.QUOTA_EXHAUSTED;
      default -> throw new IllegalArgumentException(fault + " is not an error");
    };
  }

  private String faultMessage(Fault fault, Dialect dialect, ParsedRequest parsed) {
    return switch (fault) {
      case CONTEXT_LENGTH -> contextMessage(dialect, parsed);
      case UNAUTHORIZED -> "invalid API key";
      case MODEL_NOT_FOUND -> "model '" + parsed.model() + "' not found";
      case QUOTA_EXHAUSTED -> "You exceeded your current quota";
      case OVERLOADED -> "Overloaded";
      case UNAVAILABLE -> "The server is temporarily unavailable";
      case BAD_GATEWAY -> "Bad gateway";
      default -> "The server had an error while processing your request";
    };
  }

  private String contextMessage(Dialect dialect, ParsedRequest p) {
    return dialect.contextLengthMessage(config.contextWindow, p.inputTokens(), p.maxTokens());
  }

  /** A bug in a dialect must show up as an answer a test can read, not as a dropped connection. */
  private static FakeHttpResponse bug(RuntimeException e) {
    return FakeHttpResponse.json(
        500,
        "{\"error\":{\"message\":\"fake provider bug: "
            + String.valueOf(e).replace("\\", "/").replace("\"", "'")
            + "\"}}");
  }

  private static void later(ChannelHandlerContext ctx, long delayNanos, Runnable task) {
    if (delayNanos <= 0) {
      task.run();
    } else {
      ctx.executor().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private static FakeHttpResponse malformed(FakeHttpResponse ok) {
    String body = ok.body();
    return new FakeHttpResponse(
        ok.status(),
        ok.headers(),
        body.substring(0, Math.max(1, body.length() / 2)),
        ok.contentType());
  }

  private static void write(
      ChannelHandlerContext ctx, FakeHttpResponse response, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      return;
    }
    ByteBuf content = Unpooled.wrappedBuffer(response.body().getBytes(StandardCharsets.UTF_8));
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()), content);
    out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    out.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    response.headers().forEach((k, v) -> out.headers().set(k, v));
    HttpUtil.setKeepAlive(out, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(out, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Headers promising the whole body, half of it, then the connection closes. */
  private static void drop(ChannelHandlerContext ctx, FakeHttpResponse response) {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    DefaultHttpResponse head =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    ctx.write(head);
    ctx.writeAndFlush(
            new DefaultHttpContent(Unpooled.wrappedBuffer(Arrays.copyOf(body, body.length / 2))))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void record(FakeHttpRequest request, String rawUri) {
    Map<String, String> masked = new LinkedHashMap<>();
    request.headers().forEach((k, v) -> masked.put(k, Secrets.maskHeader(k, v)));
    String body = request.body();
    if (request.rawBody() != null && body.length() > MAX_LOGGED_UPLOAD_CHARS) {
      // An upload of audio files would otherwise keep up to 25 MB per entry in the log.
      body =
          body.substring(0, MAX_LOGGED_UPLOAD_CHARS)
              + "... [upload cut in the log: "
              + request.rawBody().length
              + " bytes]";
    }
    log.add(new RecordedRequest(request.method(), Secrets.maskQuery(rawUri), masked, body));
  }

  /** How much of a multipart upload's body the request log keeps. */
  private static final int MAX_LOGGED_UPLOAD_CHARS = 64 * 1024;

  /** Counters behind {@link FakeServerStats}. */
  private static final class Counters {
    /**
     * {@link #firstNanos} before the first request (nanoTime can be any long, but not this one in
     * practice).
     */
    private static final long NO_REQUEST_YET = Long.MIN_VALUE;

    final LongAdder received = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final Map<String, LongAdder> rateLimitedBy = new ConcurrentHashMap<>();
    final Map<Fault, LongAdder> faults = new ConcurrentHashMap<>();
    final LongAdder badRequests = new LongAdder();
    final LongAdder unauthorized = new LongAdder();
    final LongAdder inputTokens = new LongAdder();
    final LongAdder outputTokens = new LongAdder();
    final LongAdder cacheRead = new LongAdder();
    final LongAdder cacheWrite = new LongAdder();
    final AtomicInteger maxConcurrency = new AtomicInteger();
    final AtomicLongArray perSecond = new AtomicLongArray(SECONDS_TRACKED);
    final AtomicLongArray tokensPerSecond = new AtomicLongArray(SECONDS_TRACKED);
    final AtomicLongArray rateLimitedPerSecond = new AtomicLongArray(SECONDS_TRACKED);

    /**
     * When the first request since start or reset arrived: second 0 of the per-second series starts
     * there.
     */
    final AtomicLong firstNanos = new AtomicLong(NO_REQUEST_YET);

    void received(long nowNanos) {
      received.increment();
      firstNanos.compareAndSet(NO_REQUEST_YET, nowNanos);
    }

    /**
     * The per-second index of an instant; a request racing a reset starts the series itself rather
     * than being lost.
     */
    private int secondOf(long nowNanos) {
      firstNanos.compareAndSet(NO_REQUEST_YET, nowNanos);
      // Two first requests race: the later CAS loses and its instant may precede the winner's by a
      // hair.
      return (int)
          Math.min(Integer.MAX_VALUE, Math.max(0, (nowNanos - firstNanos.get()) / 1_000_000_000L));
    }

    void rateLimited(String by, long nowNanos) {
      rateLimited.increment();
      rateLimitedBy.computeIfAbsent(by, k -> new LongAdder()).increment();
      int i = secondOf(nowNanos);
      if (i < SECONDS_TRACKED) {
        rateLimitedPerSecond.incrementAndGet(i);
      }
    }

    void fault(Fault f) {
      faults.computeIfAbsent(f, k -> new LongAdder()).increment();
    }

    void concurrency(int now) {
      maxConcurrency.accumulateAndGet(now, Math::max);
    }

    void accepted(Answer a, long nowNanos) {
      accepted.increment();
      inputTokens.add(a.totalInputTokens());
      outputTokens.add(a.outputTokens());
      cacheRead.add(a.cacheReadTokens());
      cacheWrite.add(a.cacheWriteTokens());
      int i = secondOf(nowNanos);
      if (i < SECONDS_TRACKED) {
        perSecond.incrementAndGet(i);
        tokensPerSecond.addAndGet(i, a.totalInputTokens() + a.outputTokens());
      }
    }

    void reset() {
      for (LongAdder a :
          List.of(
              received,
              accepted,
              rateLimited,
              badRequests,
              unauthorized,
              inputTokens,
              outputTokens,
              cacheRead,
              cacheWrite)) {
        a.reset();
      }
      rateLimitedBy.clear();
      faults.clear();
      maxConcurrency.set(0);
      for (int i = 0; i < SECONDS_TRACKED; i++) {
        perSecond.set(i, 0);
        tokensPerSecond.set(i, 0);
        rateLimitedPerSecond.set(i, 0);
      }
      firstNanos.set(NO_REQUEST_YET);
    }

    FakeServerStats snapshot(long nowNanos) {
      Map<String, Long> by = new LinkedHashMap<>();
      rateLimitedBy.forEach((k, v) -> by.put(k, v.sum()));
      Map<Fault, Long> f = new EnumMap<>(Fault.class);
      faults.forEach((k, v) -> f.put(k, v.sum()));
      long first = firstNanos.get();
      int n =
          first == NO_REQUEST_YET
              ? 0
              : (int)
                  Math.min(SECONDS_TRACKED, Math.max(0, (nowNanos - first) / 1_000_000_000L) + 1);
      long[] seconds = new long[n];
      long[] tokenSeconds = new long[n];
      long[] limitedSeconds = new long[n];
      for (int i = 0; i < n; i++) {
        seconds[i] = perSecond.get(i);
        tokenSeconds[i] = tokensPerSecond.get(i);
        limitedSeconds[i] = rateLimitedPerSecond.get(i);
      }
      return new FakeServerStats(
          received.sum(),
          accepted.sum(),
          rateLimited.sum(),
          by,
          f,
          badRequests.sum(),
          unauthorized.sum(),
          inputTokens.sum(),
          outputTokens.sum(),
          cacheRead.sum(),
          cacheWrite.sum(),
          maxConcurrency.get(),
          seconds,
          tokenSeconds,
          limitedSeconds);
    }
  }

  /**
   * Configures and starts a {@link FakeProviderServer}. Mutable; {@link #start()} copies nothing it
   * needs later.
   */
  public static final class Builder {
    /** The request log's default capacity: enough for any test, small enough for any heap. */
    public static final int DEFAULT_REQUEST_LOG_CAPACITY = 10_000;

    private String host = "127.0.0.1";
    private int port = 0;
    private long rpm;
    private long tpm;
    private int maxConcurrent;
    private FakeLatency latency = FakeLatency.none();
    private Duration coldStart = Duration.ZERO;
    private FaultPlan faults = FaultPlan.none();
    private String apiKey;
    private boolean keyless;
    private TokenCounting tokenCounting = TokenCounting.TOKENIZER;
    private Set<String> models;
    private int contextWindow = 1_000_000;
    private long promptCacheMinTokens = 1024;
    private long seed = 42;
    private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int requestLogCapacity = DEFAULT_REQUEST_LOG_CAPACITY;
    private Duration batchCompletion = Duration.ZERO;
    private int batchFailEvery;
    private boolean batchExpire;

    private Builder() {}

    /**
     * How long a batch (Anthropic Message Batches, OpenAI Batch API) takes from its creation to its
     * end; 0 by default: the first poll after the creation finds it ended.
     */
    public Builder batchCompletion(Duration completion) {
      if (completion.isNegative()) {
        throw new IllegalArgumentException(
            "batch completion " + completion + ": must not be negative");
      }
      this.batchCompletion = completion;
      return this;
    }

    /**
     * Every n-th request of a batch (the n-th, 2n-th, ... in the batch's order) fails with a server
     * error instead of being answered: Anthropic's {@code errored} result ({@code api_error}),
     * OpenAI's error-file line with status 500. 0 (the default) for none.
     */
    public Builder batchFailEvery(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("batchFailEvery must be >= 0, got " + n);
      }
      this.batchFailEvery = n;
      return this;
    }

    /**
     * Batches expire: of a batch of n requests only the first n / 2 (rounded down) are processed,
     * the others end {@code expired} (Anthropic's {@code expired} results; OpenAI's batch ends
     * {@code expired} with them in the error file as {@code batch_expired}). Off by default.
     */
    public Builder batchExpire(boolean expire) {
      this.batchExpire = expire;
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The address to bind; {@code 127.0.0.1} by default. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Requests per minute, a continuously refilled bucket that starts full; 0 for no limit. */
    public Builder requestsPerMinute(long rpm) {
      this.rpm = rpm;
      return this;
    }

    /** Tokens per minute (input plus requested output); 0 for no limit. */
    public Builder tokensPerMinute(long tpm) {
      this.tpm = tpm;
      return this;
    }

    /** Requests in flight at once; 0 for no limit. */
    public Builder maxConcurrent(int maxConcurrent) {
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /** The latency of each answer. */
    public Builder latency(FakeLatency latency) {
      this.latency = latency;
      return this;
    }

    /**
     * For this long after the first model request, requests are held and reach the limiter together
     * when it ends, while the limiter's buckets stay full: the slow start of a client that opens
     * hundreds of connections at once on a busy machine, whose first requests arrive well after the
     * ones it sends once connections are open. None by default.
     */
    public Builder coldStart(Duration coldStart) {
      if (coldStart.isNegative()) {
        throw new IllegalArgumentException("cold start " + coldStart + ": must not be negative");
      }
      this.coldStart = coldStart;
      return this;
    }

    /** The faults to inject. */
    public Builder faults(FaultPlan faults) {
      this.faults = faults;
      return this;
    }

    /** Require this API key (in each provider's own header); none required by default. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Answers requests that carry no credentials at all, on every API (Bedrock's included, which
     * otherwise refuses them as Bedrock does with "Missing Authentication Token"): for the main job
     * on the fake, which sends no keys. Credentials of the wrong form are still refused. Off by
     * default.
     */
    public Builder keyless(boolean keyless) {
      this.keyless = keyless;
      return this;
    }

    /** Answer only these models, 404 for others; every model is served by default. */
    public Builder models(Set<String> models) {
      this.models = Set.copyOf(models);
      return this;
    }

    /**
     * How prompt tokens are counted for the limits and the reported usage; as the client's
     * tokenizer by default.
     */
    public Builder tokenCounting(TokenCounting counting) {
      this.tokenCounting = counting;
      return this;
    }

    /** The context window; longer requests get the provider's context-length error. */
    public Builder contextWindow(int tokens) {
      this.contextWindow = tokens;
      return this;
    }

    /** The shortest prefix Anthropic caches (1024 tokens, as for Claude Sonnet and Opus). */
    public Builder promptCacheMinTokens(long tokens) {
      this.promptCacheMinTokens = tokens;
      return this;
    }

    /** The seed for random faults. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Event-loop threads (default: one per core). */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /**
     * Whether to keep the request log (on by default; turn off for benchmarks). Off is {@code
     * requestLogCapacity(0)}; on restores the default capacity if the log was off, and keeps a
     * capacity set before otherwise.
     */
    public Builder recordRequests(boolean record) {
      if (!record) {
        this.requestLogCapacity = 0;
      } else if (requestLogCapacity == 0) {
        this.requestLogCapacity = DEFAULT_REQUEST_LOG_CAPACITY;
      }
      return this;
    }

    /**
     * How many of the newest requests the log keeps ({@value #DEFAULT_REQUEST_LOG_CAPACITY} by
     * default): older ones are dropped, so a job of millions of requests cannot fill the heap. 0
     * turns the log off, like {@code recordRequests(false)}.
     */
    public Builder requestLogCapacity(int capacity) {
      if (capacity < 0) {
        throw new IllegalArgumentException("request log capacity must be >= 0, got " + capacity);
      }
      this.requestLogCapacity = capacity;
      return this;
    }

    /** Starts the server. */
    public FakeProviderServer start() {
      try {
        return new FakeProviderServer(this);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the fake provider", e);
      }
    }

    @Override
    public String toString() {
      return "rpm="
          + (rpm == 0 ? "unlimited" : rpm)
          + ", tpm="
          + (tpm == 0 ? "unlimited" : tpm)
          + ", maxConcurrent="
          + (maxConcurrent == 0 ? "unlimited" : maxConcurrent)
          + ", latency="
          + latency
          + (coldStart.isZero() ? "" : ", coldStart=" + coldStart)
          + ", faults="
          + faults
          + ", key="
          + (apiKey == null ? "none" : "required")
          + ", log="
          + (requestLogCapacity == 0 ? "off" : "last " + requestLogCapacity);
    }
  }

  /** The settings it runs with, for banners (the key is never shown). */
  public String describe() {
    return config.toString();
  }
}
