package org.kotta.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionCodecTest {
    private final SessionCodec codec = new SessionCodec("a-generated-secret-of-the-stack-0123456789");

    @Test
    void sealedSessionOpensWithTheSameSecret() {
        Session session = Session.start(new Identity("sub-1", "ada@example.org", "Ada"));
        String cookie = session.seal(codec, 2_000);

        SessionCodec otherServer = new SessionCodec("a-generated-secret-of-the-stack-0123456789");
        assertThat(Session.open(otherServer, cookie, 1_000)).contains(session);
        assertThat(cookie).doesNotContain("ada").doesNotContain("sub-1");
    }

    @Test
    void expiredSessionDoesNotOpen() {
        String cookie =
                Session.start(new Identity("sub-1", "ada@example.org", "Ada")).seal(codec, 2_000);
        assertThat(Session.open(codec, cookie, 2_000)).isEmpty();
        assertThat(Session.open(codec, cookie, 5_000)).isEmpty();
    }

    @Test
    void tamperedCookieDoesNotOpen() {
        String cookie =
                Session.start(new Identity("sub-1", "ada@example.org", "Ada")).seal(codec, 2_000);
        byte[] raw = Base64.getUrlDecoder().decode(cookie);
        raw[raw.length / 2] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThat(Session.open(codec, tampered, 1_000)).isEmpty();
        assertThat(Session.open(codec, "garbage!", 1_000)).isEmpty();
        assertThat(Session.open(codec, "", 1_000)).isEmpty();
    }

    @Test
    void cookieSealedUnderAnotherSecretOrPurposeDoesNotOpen() {
        String cookie =
                Session.start(new Identity("sub-1", "ada@example.org", "Ada")).seal(codec, 2_000);
        assertThat(Session.open(new SessionCodec("another-stack-secret-0123456789"), cookie, 1_000))
                .isEmpty();
        String login = codec.seal(SignIn.LOGIN_COOKIE, "state verifier", 2_000);
        assertThat(codec.open(Session.COOKIE, login, 1_000)).isEmpty();
        assertThat(codec.open(SignIn.LOGIN_COOKIE, login, 1_000)).contains("state verifier");
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new SessionCodec("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] ikm = new byte[22];
        java.util.Arrays.fill(ikm, (byte) 0x0b);
        byte[] salt = java.util.HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] info = java.util.HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertThat(java.util.HexFormat.of().formatHex(SessionCodec.hkdf(ikm, salt, info, 42)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void csrfCheckNeedsTheSessionsOwnToken() {
        Session session = Session.start(new Identity("sub-1", "ada@example.org", "Ada"));
        assertThat(session.csrfMatches(session.csrf())).isTrue();
        assertThat(session.csrfMatches(null)).isFalse();
        assertThat(session.csrfMatches("")).isFalse();
        assertThat(session.csrfMatches(Session.randomToken())).isFalse();
        assertThat(Session.start(new Identity("sub-1", "ada@example.org", "Ada"))
                        .csrf())
                .isNotEqualTo(session.csrf());
    }
}
