package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kotta.deployer.core.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plain HTTP client of the web server that keeps its cookies: signs in through the real
 * {@code /login} → local identity provider → {@code /handle_login} path, and calls the v1 REST
 * API. One connection-reusing {@link HttpClient}, as a browser or the command-line client would.
 */
final class WebSession {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    WebSession(String base) {
        this.base = base;
    }

    /**
     * Signs in as {@code email} on the provider's sign-in page (as a person would type it);
     * afterwards this session holds the web server's {@code kotta_session} cookie.
     */
    void signIn(String email) throws IOException, InterruptedException {
        String authorize = get("/login").headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("/login did not redirect to the provider"));
        HttpResponse<String> provider = post(authorize, Map.of("username", email,
                "claims", Json.MAPPER.writeValueAsString(Map.of("email", email, "name", email))));
        String callback = provider.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("the provider answered " + provider.statusCode()));
        HttpResponse<String> signedIn = get(callback);
        if (signedIn.statusCode() != 303 || !cookies.containsKey("kotta_session")) {
            throw new IllegalStateException("sign-in as " + email + " answered " + signedIn.statusCode());
        }
    }

    HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
    }

    HttpResponse<String> post(String pathOrUrl, Map<String, String> fields) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    /** A v1 REST call's JSON answer; fails on anything but 200. */
    JsonNode rest(HttpResponse<String> answer) throws IOException {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(answer.request().uri().getPath() + " answered " + answer.statusCode()
                    + ": " + answer.body());
        }
        return Json.MAPPER.readTree(answer.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        URI target = request.build().uri();
        boolean ours = target.toString().startsWith(base);
        if (ours && !cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ours) {
            for (String set : response.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String value = pair.substring(eq + 1);
                if (value.isEmpty()) {
                    cookies.remove(pair.substring(0, eq));
                } else {
                    cookies.put(pair.substring(0, eq), value);
                }
            }
        }
        return response;
    }

    private URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    }

    static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }
}
