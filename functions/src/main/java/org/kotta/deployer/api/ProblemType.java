package org.kotta.deployer.api;

/** Every kind of error the API answers, with its status and title (RFC 7807 {@code type} is its URN). */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "The request has invalid fields"),
    MALFORMED_BODY(400, "malformed-body", "The request body is not valid JSON"),
    INVALID_PARAMETER(400, "invalid-parameter", "A parameter or header is invalid"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    STACK_BUSY(409, "stack-busy", "Another deployment of this stack is running"),
    IDEMPOTENCY_KEY_IN_USE(409, "idempotency-key-in-use", "A request with this Idempotency-Key is still in progress"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The request body must be application/json"),
    IDEMPOTENCY_KEY_REUSED(
            422, "idempotency-key-reused", "This Idempotency-Key was used with a different request body"),
    INTERNAL(500, "internal", "Internal error");

    private static final String URN_PREFIX = "urn:kotta-deployer:problem:";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return URN_PREFIX + slug;
    }
}
