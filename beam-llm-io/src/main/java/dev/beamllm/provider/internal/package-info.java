/**
 * What the wire-format packages share, and not API: the request assembled in named steps ({@link
 * dev.beamllm.provider.internal.BaseAdapter}, after LiteLLM's {@code BaseConfig}: URL, headers,
 * body, signing), turn building and text helpers for renderers, and error classification by status
 * and by the provider's words. Public only because Java has no sub-package visibility.
 */
package dev.beamllm.provider.internal;
