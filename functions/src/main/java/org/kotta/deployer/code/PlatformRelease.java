package org.kotta.deployer.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The Cloud Kotta platform release that {@code mvn package} of {@code platform/} builds, carried
 * on the functions' classpath (see functions/pom.xml): what PackageAndUploadCode deploys when a
 * request names no code.
 */
final class PlatformRelease {
    static final String RESOURCE = "platform-release/kotta-platform-release.tar.gz";
    /** The source recorded for a release built from it (in place of an {@code s3://} URL). */
    static final String SOURCE = "platform";

    private PlatformRelease() {
    }

    /** Copies the release tarball to {@code target}. */
    static void copyTo(Path target) {
        try (InputStream in = PlatformRelease.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: build with "
                        + "`mvn package -pl functions -am` so that platform/ is packaged first");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
