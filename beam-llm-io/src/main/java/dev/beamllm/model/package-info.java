/**
 * The model registry: every model the library knows, with its provider, wire format, endpoint, key
 * variable, prices and capabilities, looked up by id or alias; plus custom models from YAML or
 * JSON, and cost from usage.
 */
package dev.beamllm.model;
