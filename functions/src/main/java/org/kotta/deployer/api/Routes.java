package org.kotta.deployer.api;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's routes. API Gateway sends unknown paths, and methods a path does not serve, to
 * the catch-all route; this table tells those apart (404 or 405 with {@code Allow}).
 */
public final class Routes {
    public static final String DEPLOYMENTS = "/deployments";
    public static final String DEPLOYMENT = "/deployments/{id}";

    private static final Pattern DEPLOYMENT_PATH = Pattern.compile("^/deployments/[^/]+/?$");
    private static final Pattern DEPLOYMENTS_PATH = Pattern.compile("^/deployments/?$");

    private Routes() {}

    /** The methods the concrete path serves, or empty when no route has that path. */
    public static Optional<List<String>> methodsFor(String path) {
        if (DEPLOYMENTS_PATH.matcher(path).matches()) {
            return Optional.of(List.of("GET", "POST"));
        }
        if (DEPLOYMENT_PATH.matcher(path).matches()) {
            return Optional.of(List.of("GET"));
        }
        return Optional.empty();
    }

    /** The answer for a request no handler serves: 405 on a known path, 404 otherwise. */
    public static ApiResponse unrouted(ApiRequest request) {
        return methodsFor(request.path())
                .map(methods -> Problem.of(
                                ProblemType.METHOD_NOT_ALLOWED,
                                request.method() + " is not allowed on " + request.path() + "; allowed: "
                                        + String.join(", ", methods))
                        .withHeader("Allow", String.join(", ", methods)))
                .orElseGet(() -> Problem.of(ProblemType.NOT_FOUND, "no route " + request.path()));
    }
}
