/**
 * The model registry: every model the library knows, with its provider, wire format, endpoint, key
 * variable, prices and capabilities, looked up by id or alias; plus custom models from YAML or
 * JSON, and cost from usage. Also the sampling parameters a request carries ({@link
 * dev.beamllm.model.SamplingParams}, with {@link dev.beamllm.model.RecordSchemas} for output
 * schemas derived from records), which the client, the adapters and the cache all read. Imports
 * nothing from {@code client}, {@code provider}, {@code cache} or {@code beam}.
 */
package dev.beamllm.model;
