package org.kotta.deployer.localcloud.platform;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.localcloud.LocalIdentityProvider;

/**
 * A plain HTTP client of the web server that keeps its cookies, as a browser does: signs in
 * through the real {@code /login} → local identity provider → {@code /handle_login} path, posts
 * the pages' forms and calls the v1 REST API. One connection-reusing {@link HttpClient} that
 * follows no redirects. Used by the bench and by the integration tests that need no browser.
 */
public final class WebSession {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String base;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    /** @param base the site's URL, e.g. {@code http://127.0.0.1:8888}; cookies are kept for it only */
    public WebSession(String base) {
        this.base = base;
    }

    /**
     * Signs in as {@code email} on the provider's sign-in page (as a person would type it);
     * returns the answer of the site's callback (303 with the {@code kotta_session} cookie for
     * a user who may use Kotta).
     */
    public HttpResponse<String> signIn(String email) throws IOException, InterruptedException {
        String authorize = get("/login")
                .headers()
                .firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("/login did not redirect to the provider"));
        HttpResponse<String> provider = post(authorize, LocalIdentityProvider.signInForm(email));
        String callback = provider.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("the provider answered " + provider.statusCode()));
        return get(callback);
    }

    public HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
    }

    /** POSTs {@code fields} form-encoded. */
    public HttpResponse<String> post(String pathOrUrl, Map<String, String> fields)
            throws IOException, InterruptedException {
        return postRaw(pathOrUrl, "application/x-www-form-urlencoded", form(fields));
    }

    public HttpResponse<String> postRaw(String pathOrUrl, String contentType, String body)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathOrUrl))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The CSRF token of the forms on the page at {@code path}. */
    public String csrfOf(String path) throws IOException, InterruptedException {
        Matcher m = CSRF.matcher(get(path).body());
        if (!m.find()) {
            throw new IllegalStateException("no csrf field on " + path);
        }
        return m.group(1);
    }

    /** Whether the site has set the cookie {@code name} (and not cleared it since). */
    public boolean hasCookie(String name) {
        return cookies.containsKey(name);
    }

    /** The JSON body of an answer, whatever its status. */
    public static JsonNode json(HttpResponse<String> answer) throws IOException {
        return Json.MAPPER.readTree(answer.body());
    }

    /** A v1 REST call's JSON answer; fails on anything but 200. */
    public static JsonNode rest(HttpResponse<String> answer) throws IOException {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    answer.request().uri().getPath() + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return json(answer);
    }

    /** {@code application/x-www-form-urlencoded}, in the map's order. */
    public static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        URI target = request.build().uri();
        boolean ours = target.toString().startsWith(base);
        if (ours && !cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ")
                    .append(k)
                    .append('=')
                    .append(v));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response =
                http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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
}
