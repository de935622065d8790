package dev.beamllm.client;

import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;

/**
 * The steps of a request's life, built once per client from its configuration and shared by all its
 * requests ({@link Call}): each step is given what it needs here, so none reaches back into the
 * client.
 *
 * @param inline fetches URL images for models whose API takes images as bytes only
 * @param scheduler frees the slots of admitted attempts
 * @param health records what answers say of their models
 * @param tracker counts requests started and finished
 * @param budget the spending cap (the cluster's with shared limits), or null for none
 */
record CallSteps(
    PickModel pick,
    InlineImages inline,
    Admit admit,
    Send send,
    Retry retry,
    Deliver deliver,
    Scheduler scheduler,
    ModelHealth health,
    StatusTracker tracker,
    Budget budget) {

  /** The steps of a client with this configuration and these parts. */
  static CallSteps of(
      ClientConfig config,
      ModelSpecs specs,
      ModelPicker picker,
      Scheduler scheduler,
      HttpTransport transport,
      StatusTracker tracker) {
    ModelHealth health = new ModelHealth();
    WireRequests wire =
        new WireRequests(
            config.useResponsesApi(),
            config.apiKeys(),
            config.tools(),
            config.extraHeaders(),
            config.serviceTier().orElse(null),
            config.extraBody().orElse(null),
            config.remoteMcp() == RemoteMcp.PROVIDER ? config.remoteMcpServers() : McpServers.of(),
            config.promptCache());
    return new CallSteps(
        new PickModel(specs, picker, health, config::paramsFor, config.tools(), config.models()),
        new InlineImages(wire, transport, config.requestTimeout()),
        new Admit(scheduler, config.limits().tokensPerMinute(), config.tools()),
        new Send(wire, transport, scheduler, config.requestTimeout(), config.backgroundMode()),
        new Retry(scheduler, health, tracker, config.models(), config.maxAttempts()),
        new Deliver(
            config.cache().orElse(null),
            config.keepRawBody(),
            config.postprocess().orElse(null),
            config.models().get(0)),
        scheduler,
        health,
        tracker,
        Budget.of(
            config.maxCost().orElse(null),
            config.serviceTier().orElse(null),
            config.promptCache(),
            scheduler.sharedQuota(),
            task -> scheduler.later(task, 1)));
  }
}
