package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The platform release the functions' artifact carries. An integration test because the
 * platform module makes that tarball in its package phase, after {@code mvn test} has run.
 */
class EmbeddedReleaseIT {
    @Test
    void embeddedDigestIsTheEmbeddedTarballs() throws IOException {
        byte[] tarball;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PlatformRelease.RESOURCE)) {
            assertThat(in).as(PlatformRelease.RESOURCE).isNotNull();
            tarball = in.readAllBytes();
        }

        assertThat(PlatformRelease.EMBEDDED.sha256()).contains(ReleaseRecipe.sha256Hex(tarball));
    }
}
