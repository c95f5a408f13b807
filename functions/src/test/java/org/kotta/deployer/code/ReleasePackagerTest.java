package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The parts of packaging that need no cloud: URLs. */
class ReleasePackagerTest {

    @Test
    void templateUrlIsPathStyleOnRealS3() {
        assertThat(ReleasePackager.objectUrl(null, "eu-west-1", "jobs.bucket", "deployer/templates/kotta-ab.yaml"))
                .isEqualTo("https://s3.eu-west-1.amazonaws.com/jobs.bucket/deployer/templates/kotta-ab.yaml");
    }

    @Test
    void templateUrlUsesTheEndpointOverrideWhenSet() {
        assertThat(ReleasePackager.objectUrl(URI.create("http://127.0.0.1:4566/"), "us-east-1", "b", "a b.yaml"))
                .isEqualTo("http://127.0.0.1:4566/b/a%20b.yaml");
    }
}
