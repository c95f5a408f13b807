package org.kotta.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The OAuth 2.0 authorization-code sign-in, against Login with Amazon (no issuer configured)
 * or any OpenID Connect issuer (endpoints from its discovery document, fetched once), with
 * {@code state} and PKCE. The client secret stays in this object's memory.
 */
public final class IdentityProvider {
    static final String LWA_AUTHORIZE = "https://www.amazon.com/ap/oa";
    static final String LWA_TOKEN = "https://api.amazon.com/auth/o2/token";
    static final String LWA_PROFILE = "https://api.amazon.com/user/profile";
    static final String LWA_TOKENINFO = "https://api.amazon.com/auth/o2/tokeninfo";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The provider refused a code or a token. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * {@code tokeninfo}: Login with Amazon's, which names the client a token was issued to; null for OIDC.
     * {@code secretInBody}: the token endpoint takes the client secret as a form field
     * ({@code client_secret_post}); otherwise it gets HTTP Basic ({@code client_secret_basic}).
     */
    record Endpoints(String authorize, String token, String userinfo, String tokeninfo, boolean secretInBody) {
        static final Endpoints LOGIN_WITH_AMAZON =
                new Endpoints(LWA_AUTHORIZE, LWA_TOKEN, LWA_PROFILE, LWA_TOKENINFO, true);
    }

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http;
    private volatile Endpoints endpoints;

    /** {@code issuer} empty or null: Login with Amazon. */
    public IdentityProvider(String issuer, String clientId, String clientSecret) {
        this(issuer, clientId, clientSecret, Endpoints.LOGIN_WITH_AMAZON);
    }

    /** {@code loginWithAmazon}: where Login with Amazon answers (tests stand in for it). */
    IdentityProvider(String issuer, String clientId, String clientSecret, Endpoints loginWithAmazon) {
        this.issuer = issuer == null || issuer.isBlank() ? null : issuer.strip().replaceAll("/+$", "");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        if (this.issuer == null) {
            endpoints = loginWithAmazon;
        }
    }

    public boolean isLoginWithAmazon() {
        return issuer == null;
    }

    /** Where the browser goes to sign in. */
    public String authorizeUrl(String redirectUri, String state, String pkceVerifier) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("scope", isLoginWithAmazon() ? "profile" : "openid email profile");
        query.put("redirect_uri", redirectUri);
        query.put("state", state);
        query.put("code_challenge", challenge(pkceVerifier));
        query.put("code_challenge_method", "S256");
        return endpoints().authorize() + "?" + form(query);
    }

    /** Trades the callback's code for an access token. */
    public String exchange(String code, String redirectUri, String pkceVerifier) throws IOException, Refused {
        Endpoints at = endpoints();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri);
        body.put("client_id", clientId);
        if (at.secretInBody()) {
            body.put("client_secret", clientSecret);
        }
        body.put("code_verifier", pkceVerifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(at.token()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (!at.secretInBody()) {
            // RFC 6749 2.3.1: each part form-encoded, then Base64 of "id:secret"
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                                                    + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8))
                                            .getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = send(request.POST(HttpRequest.BodyPublishers.ofString(form(body))));
        if (response.statusCode() != 200) {
            throw new Refused("the identity provider refused the sign-in code (HTTP " + response.statusCode() + ")");
        }
        JsonNode token = JSON.readTree(response.body()).path("access_token");
        if (!token.isTextual() || token.asText().isEmpty()) {
            throw new Refused("the identity provider answered without an access token");
        }
        return token.asText();
    }

    /**
     * Who a REST caller's access token belongs to. With Login with Amazon, first that the token was
     * issued to this client ({@code aud} of its tokeninfo, as Amazon asks of every API that takes
     * tokens): its profile endpoint answers for a token of any app, so without this check any
     * website the person once signed in to with Amazon could call this API as them.
     */
    public Identity identifyApiToken(String accessToken) throws IOException, Refused {
        if (isLoginWithAmazon()) {
            HttpResponse<String> info = send(HttpRequest.newBuilder(
                            URI.create(endpoints().tokeninfo() + "?" + form(Map.of("access_token", accessToken))))
                    .header("Accept", "application/json")
                    .GET());
            if (info.statusCode() != 200) {
                throw new Refused("the identity provider does not accept the token (HTTP " + info.statusCode() + ")");
            }
            String audience = text(json(info.body()), "aud");
            if (!clientId.equals(audience)) {
                throw new Refused("the token was issued to another application, not to this Cloud Kotta");
            }
        }
        return identify(accessToken);
    }

    /** Who an access token belongs to: the userinfo (OIDC) or profile (Login with Amazon) answer. */
    public Identity identify(String accessToken) throws IOException, Refused {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(endpoints().userinfo()))
                        .header("Authorization", "Bearer " + accessToken)
                        .header("Accept", "application/json")
                        .GET());
        if (response.statusCode() != 200) {
            throw new Refused("the identity provider does not accept the token (HTTP " + response.statusCode() + ")");
        }
        return identityOf(json(response.body()), isLoginWithAmazon());
    }

    /**
     * The identity in a userinfo (OIDC) or profile (Login with Amazon) answer. Users are registered
     * by e-mail, so an OIDC e-mail the provider marks unverified ({@code email_verified: false}: a
     * self-service sign-up at Cognito, say, may claim any address) is refused, or anyone could
     * sign up with an admin's address and be that admin here.
     */
    static Identity identityOf(JsonNode who, boolean loginWithAmazon) throws Refused {
        String userId = text(who, loginWithAmazon ? "user_id" : "sub");
        String email = text(who, "email");
        if (userId == null || email == null) {
            throw new Refused("the identity provider gave no user id or e-mail for the token");
        }
        JsonNode verified = who.get("email_verified");
        if (!loginWithAmazon && verified != null && !verified.isNull() && !verified.asBoolean(false)) {
            throw new Refused("the identity provider has not verified the e-mail " + email
                    + "; verify it there, then sign in again");
        }
        String name = Optional.ofNullable(text(who, "name")).orElse(email);
        return new Identity(userId, email, name);
    }

    private static JsonNode json(String body) throws Refused {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            throw new Refused("the identity provider answered something that is not JSON");
        }
    }

    private Endpoints endpoints() throws IOException {
        Endpoints known = endpoints;
        if (known != null) {
            return known;
        }
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                        .GET());
        if (response.statusCode() != 200) {
            throw new IOException("OIDC discovery at " + issuer + " answered HTTP " + response.statusCode());
        }
        JsonNode doc = JSON.readTree(response.body());
        // OIDC Discovery: without token_endpoint_auth_methods_supported, client_secret_basic is the default
        boolean secretInBody = false;
        for (JsonNode method : doc.path("token_endpoint_auth_methods_supported")) {
            secretInBody |= "client_secret_post".equals(method.asText());
        }
        Endpoints found = new Endpoints(
                text(doc, "authorization_endpoint"),
                text(doc, "token_endpoint"),
                text(doc, "userinfo_endpoint"),
                null,
                secretInBody);
        if (found.authorize() == null || found.token() == null || found.userinfo() == null) {
            throw new IOException(
                    "OIDC discovery at " + issuer + " lacks an authorization, token or userinfo endpoint");
        }
        endpoints = found;
        return found;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling the identity provider", e);
        }
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
