package org.kotta.platform.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals cookie payloads: AES-256-GCM (encrypted and authenticated) under a key derived with
 * HKDF-SHA256 from the stack's session secret, so every web server of a stack opens the
 * others' cookies. The payload carries its own expiry; an expired, tampered or foreign cookie
 * opens to nothing.
 */
public final class SessionCodec {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SessionCodec(String sessionSecret) {
        if (sessionSecret == null || sessionSecret.length() < 16) {
            throw new IllegalArgumentException("the session key secret must hold at least 16 characters");
        }
        this.key = new SecretKeySpec(
                hkdf(
                        sessionSecret.getBytes(StandardCharsets.UTF_8),
                        "kotta-session-v1".getBytes(StandardCharsets.UTF_8),
                        "cookie aes-256-gcm".getBytes(StandardCharsets.UTF_8),
                        32),
                "AES");
    }

    /** {@code purpose} binds a sealed value to its cookie, so one cookie cannot stand in for another. */
    public String seal(String purpose, String payload, long expiresAtEpochSecond) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] plain = payload.getBytes(StandardCharsets.UTF_8);
            byte[] sealed = cipher.doFinal(ByteBuffer.allocate(8 + plain.length)
                    .putLong(expiresAtEpochSecond)
                    .put(plain)
                    .array());
            return B64.encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a cookie", e);
        }
    }

    /** The payload, or empty when the value is malformed, tampered with, for another purpose, or expired. */
    public Optional<String> open(String purpose, String sealed, long nowEpochSecond) {
        if (sealed == null || sealed.isEmpty() || sealed.length() > 8192) {
            return Optional.empty();
        }
        try {
            byte[] all = B64D.decode(sealed);
            if (all.length < IV_BYTES + 8 + TAG_BITS / 8) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            ByteBuffer plain = ByteBuffer.wrap(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES));
            long expires = plain.getLong();
            if (nowEpochSecond >= expires) {
                return Optional.empty();
            }
            byte[] payload = new byte[plain.remaining()];
            plain.get(payload);
            return Optional.of(new String(payload, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** RFC 5869 HKDF with HMAC-SHA256. */
    static byte[] hkdf(byte[] inputKey, byte[] salt, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(inputKey);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                block = mac.doFinal();
                int n = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no HmacSHA256", e);
        }
    }
}
