package org.kotta.platform.core;

/**
 * One entry of a job's {@code inputs} or {@code outputs} list, as Cloud Kotta stored it.
 * Inputs: {@code src} an {@code s3://} or {@code https://} URL, {@code dest} a file name in the
 * work directory. Outputs: {@code src} a file name in the work directory, {@code dest}
 * {@code bucket/key}.
 */
public record FileMapping(String src, String dest) {}
