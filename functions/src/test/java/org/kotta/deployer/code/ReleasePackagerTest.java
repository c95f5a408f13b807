package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The parts of packaging that need no cloud: URLs and the placeholder site. */
class ReleasePackagerTest {

    @Test
    void templateUrlIsPathStyleOnRealS3() {
        assertThat(ReleasePackager.objectUrl(Optional.empty(), "eu-west-1", "jobs.bucket", "deployer/templates/kotta-ab.yaml"))
                .isEqualTo("https://s3.eu-west-1.amazonaws.com/jobs.bucket/deployer/templates/kotta-ab.yaml");
    }

    @Test
    void templateUrlUsesTheEndpointOverrideWhenSet() {
        assertThat(ReleasePackager.objectUrl(Optional.of(URI.create("http://127.0.0.1:4566/")), "us-east-1", "b", "a b.yaml"))
                .isEqualTo("http://127.0.0.1:4566/b/a%20b.yaml");
    }

    @Test
    void placeholderSiteIsTheSameBytesEveryTime() {
        byte[] tarball = PlaceholderSite.tarball("kotta-jobs");

        assertThat(tarball).isEqualTo(PlaceholderSite.tarball("kotta-jobs"));
        // every entry is one the deployer writes itself: no clock in any header
        TarClock.assertGzipHeaderHasNoTime(tarball);
        assertThat(TarClock.entries(tarball).keySet()).containsExactly("index.html", "kotta-start");
        TarClock.assertAddedEntriesAtTheEpoch(tarball, Set.of("index.html", "kotta-start"));
    }

    @Test
    void placeholderSitePassesInspection() throws IOException {
        TarballInspection inspection = new TarballInspector()
                .inspect(new ByteArrayInputStream(PlaceholderSite.tarball("kotta-jobs")));

        assertThat(inspection.accepted()).isTrue();
        assertThat(inspection.fileCount()).isEqualTo(2);
    }
}
