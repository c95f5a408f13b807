package org.kotta.deployer.api;

/** An expected refusal found while reading a request; carries the problem to answer. */
public final class ApiException extends RuntimeException {
    private final transient ApiResponse response;

    public ApiException(ApiResponse response) {
        super(response.body().path("detail").asText(), null, false, false);
        this.response = response;
    }

    public ApiResponse response() {
        return response;
    }
}
