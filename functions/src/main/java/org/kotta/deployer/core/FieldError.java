package org.kotta.deployer.core;

/**
 * One refused field of a deployment request. The message never repeats the field's value
 * when the field could hold a secret.
 */
public record FieldError(String field, String message) {}
