package org.kotta.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks REST access tokens against the provider, remembering each answer (by the token's
 * hash, never the token) for a short while in a bounded cache, so a client polling
 * {@code status_task} does not call the provider each time.
 */
public final class TokenCheck {
    private static final int MAX_ENTRIES = 1000;
    private final IdentityProvider provider;
    private final long ttlMillis;
    private final Map<String, Entry> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Entry(Identity identity, long until) {}

    public TokenCheck(IdentityProvider provider, long ttlMillis) {
        this.provider = provider;
        this.ttlMillis = ttlMillis;
    }

    public Identity identify(String token) throws IOException, IdentityProvider.Refused {
        String key = sha256(token);
        long now = System.currentTimeMillis();
        synchronized (cache) {
            Entry hit = cache.get(key);
            if (hit != null && hit.until() > now) {
                return hit.identity();
            }
        }
        Identity identity = provider.identifyApiToken(token);
        synchronized (cache) {
            cache.put(key, new Entry(identity, now + ttlMillis));
        }
        return identity;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
