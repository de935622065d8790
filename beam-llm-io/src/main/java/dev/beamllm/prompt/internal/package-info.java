/**
 * Helpers every package of the library shares, and not API: the one Jackson mapper with canonical
 * JSON for hashing, and SHA-256 digests. They live below {@code prompt}, the package every other
 * depends on, so that no package cycle forms; public only because Java has no sub-package
 * visibility.
 */
package dev.beamllm.prompt.internal;
