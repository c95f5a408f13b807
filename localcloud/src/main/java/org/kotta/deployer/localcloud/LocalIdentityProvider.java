package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.kotta.deployer.localcloud.platform.WebSession;

/**
 * The local cloud's OpenID Connect provider, standing in for Login with Amazon: NAV's
 * mock-oauth2-server on loopback, one issuer ({@code http://127.0.0.1:<port>/kotta}). Its
 * sign-in page takes any name, and that name comes back as the {@code email} (and {@code sub})
 * of the userinfo answer, which is what the web server reads. Any client id and secret are
 * accepted.
 */
public final class LocalIdentityProvider implements AutoCloseable {
    public static final String ISSUER_ID = "kotta";
    /** Env var naming the provider's port for the demo (default: a free port). */
    public static final String PORT_ENV = "KOTTA_OIDC_PORT";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");

    private final MockOAuth2Server server;
    private final Path loginPage;

    private LocalIdentityProvider(MockOAuth2Server server, Path loginPage) {
        this.server = server;
        this.loginPage = loginPage;
    }

    /** Starts on the port {@value #PORT_ENV} names, else on a free port. */
    public static LocalIdentityProvider startFromEnvironment() {
        String port = System.getenv(PORT_ENV);
        return start(port == null || port.isBlank() ? 0 : Integer.parseInt(port.strip()));
    }

    /** Starts on 127.0.0.1:{@code port} (0: a free port). */
    public static LocalIdentityProvider start(int port) {
        Path loginPage = writeLoginPage();
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(
                true,
                loginPage.toString(),
                null,
                false,
                new OAuth2TokenProvider(),
                Set.of(),
                new MockWebServerWrapper()));
        try {
            server.start(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalIdentityProvider(server, loginPage);
    }

    /** The issuer URL the web server is wired with ({@code KOTTA_OIDC_ISSUER}). */
    public String issuer() {
        return server.issuerUrl(ISSUER_ID).toString().replaceAll("/+$", "");
    }

    public int port() {
        return server.baseUrl().port();
    }

    /** An access token (one hour) whose userinfo answer gives {@code email} as email and sub. */
    public String accessToken(String email) {
        return accessToken(email, Duration.ofHours(1));
    }

    /** As {@link #accessToken(String)}, valid for {@code lifetime} (negative: already expired). */
    public String accessToken(String email, Duration lifetime) {
        return server.issueToken(ISSUER_ID, email, "kotta", Map.of("email", email, "name", email), lifetime.toSeconds())
                .serialize();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            Files.deleteIfExists(loginPage);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /** What a person types on the provider's sign-in page to sign in as {@code email}, as its form's fields. */
    public static Map<String, String> signInForm(String email) throws IOException {
        return Map.of("username", email, "claims", JSON.writeValueAsString(Map.of("email", email, "name", email)));
    }

    /**
     * An access token from a running provider, over HTTP only (what {@code ./kotta local token}
     * does): signs in as {@code email} on its sign-in page, then trades the code.
     */
    public static String tokenFrom(String issuer, String email) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String redirect = "http://127.0.0.1/local-token";
        String authorize = issuer + "/authorize?"
                + WebSession.form(Map.of(
                        "client_id",
                        "kotta-local",
                        "response_type",
                        "code",
                        "scope",
                        "openid email profile",
                        "redirect_uri",
                        redirect,
                        "state",
                        UUID.randomUUID().toString(),
                        "nonce",
                        UUID.randomUUID().toString()));
        HttpResponse<String> signedIn = http.send(
                HttpRequest.newBuilder(URI.create(authorize))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(WebSession.form(signInForm(email))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String location = signedIn.headers().firstValue("Location").orElse("");
        Matcher code = CODE.matcher(location);
        if (!code.find()) {
            throw new IOException("the provider at " + issuer + " gave no code (HTTP " + signedIn.statusCode() + ")");
        }
        HttpResponse<String> token = http.send(
                HttpRequest.newBuilder(URI.create(issuer + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(WebSession.form(Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8),
                                "redirect_uri",
                                redirect,
                                "client_id",
                                "kotta-local",
                                "client_secret",
                                "local"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IOException("the provider at " + issuer + " refused the code (HTTP " + token.statusCode() + ")");
        }
        return JSON.readTree(token.body()).path("access_token").asText();
    }

    private static Path writeLoginPage() {
        try (InputStream in = LocalIdentityProvider.class.getResourceAsStream("/localcloud/login.html")) {
            if (in == null) {
                throw new IllegalStateException("localcloud/login.html is missing from the classpath");
            }
            Path page = Files.createTempFile("kotta-local-login", ".html");
            Files.write(page, in.readAllBytes());
            page.toFile().deleteOnExit();
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
