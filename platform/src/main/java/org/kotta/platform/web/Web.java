package org.kotta.platform.web;

import java.time.Duration;
import org.kotta.platform.core.JobStore;
import org.kotta.platform.core.PlatformClients;
import org.kotta.platform.core.UserStore;
import org.kotta.platform.core.Wiring;

/** What the web server's handlers share, built once at start. */
record Web(
        Wiring wiring,
        PlatformClients clients,
        JobStore jobs,
        UserStore users,
        JobSubmission submission,
        Views views,
        SessionCodec codec,
        IdentityProvider provider,
        TokenCheck tokens,
        Health health,
        String bucket,
        String publicUrl) {
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    static final Duration PRESIGN_LIFETIME = Duration.ofMinutes(15);

    boolean secureCookies() {
        return publicUrl.startsWith("https://");
    }

    String redirectUri() {
        return publicUrl + "/handle_login";
    }
}
