package org.kotta.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A signed-in person, as sealed into the {@code kotta_session} cookie: who they are at the
 * identity provider and the CSRF token every form of this session carries.
 */
public record Session(String userId, String email, String name, String csrf) {
    public static final String COOKIE = "kotta_session";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Session start(Identity identity) {
        return new Session(identity.userId(), identity.email(), identity.name(), randomToken());
    }

    public static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String seal(SessionCodec codec, long expiresAt) {
        try {
            return codec.seal(
                    COOKIE,
                    JSON.writeValueAsString(Map.of("u", userId, "e", email, "n", name == null ? "" : name, "c", csrf)),
                    expiresAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Optional<Session> open(SessionCodec codec, String cookie, long now) {
        return codec.open(COOKIE, cookie, now).flatMap(payload -> {
            try {
                Map<?, ?> m = JSON.readValue(payload, Map.class);
                return Optional.of(new Session(
                        (String) m.get("u"), (String) m.get("e"), (String) m.get("n"), (String) m.get("c")));
            } catch (JsonProcessingException | ClassCastException e) {
                return Optional.empty();
            }
        });
    }

    /** The CSRF check of a POSTed form: the field must equal this session's token (constant time). */
    public boolean csrfMatches(String submitted) {
        return submitted != null
                && csrf != null
                && MessageDigest.isEqual(
                        submitted.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8));
    }
}
