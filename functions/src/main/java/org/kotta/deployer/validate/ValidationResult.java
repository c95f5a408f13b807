package org.kotta.deployer.validate;

import java.util.List;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.FieldError;

/**
 * The outcome of {@link RequestValidator#validate}: every refused field, or the validated
 * request (with defaults applied and values normalized). {@code request} is null exactly when
 * {@code errors} is not empty.
 */
public record ValidationResult(List<FieldError> errors, DeploymentRequest request) {

    public ValidationResult {
        errors = List.copyOf(errors);
        if (errors.isEmpty() == (request == null)) {
            throw new IllegalArgumentException("a result has either errors or a request, not both or neither");
        }
    }

    static ValidationResult invalid(List<FieldError> errors) {
        return new ValidationResult(errors, null);
    }

    static ValidationResult valid(DeploymentRequest request) {
        return new ValidationResult(List.of(), request);
    }

    public boolean valid() {
        return errors.isEmpty();
    }
}
