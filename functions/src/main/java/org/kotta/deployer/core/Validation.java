package org.kotta.deployer.core;

import java.util.List;

/**
 * What "Validate the request" returns ({@code $.validation}): "Is the request valid?" reads
 * {@code ok}, "Note the refused request" reads {@code failure}, every later state reads the
 * validated {@code request}.
 */
public record Validation(boolean ok, List<FieldError> errors, DeploymentRequest request, Failure failure) {}
