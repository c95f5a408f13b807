package org.kotta.deployer.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Cloud Kotta platform release that {@code mvn package} of {@code platform/} builds, carried
 * on the functions' classpath (see functions/pom.xml): what PackageAndUploadCode deploys when a
 * request names no code. The same build writes its SHA-256 next to it ({@code .sha256}, hex),
 * so that the digest is known without reading the 15 MB.
 */
final class PlatformRelease {
    static final String RESOURCE = "platform-release/kotta-platform-release.tar.gz";
    /** The source recorded for a release built from it (in place of an {@code s3://} URL). */
    static final String SOURCE = "platform";
    /** The one on the classpath. */
    static final PlatformRelease EMBEDDED = new PlatformRelease(RESOURCE, RESOURCE + ".sha256");

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final String tarball;
    private final String digest;

    /** Tests name other resources. */
    PlatformRelease(String tarball, String digest) {
        this.tarball = tarball;
        this.digest = digest;
    }

    /** Copies the release tarball to {@code target}. */
    void copyTo(Path target) {
        try (InputStream in = PlatformRelease.class.getClassLoader().getResourceAsStream(tarball)) {
            if (in == null) {
                throw new IllegalStateException(tarball + " is not on the classpath: build with "
                        + "`mvn package -pl functions -am` so that platform/ is packaged first");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tarball's SHA-256 as the build wrote it; empty when it is missing or not a digest. */
    Optional<String> sha256() {
        try (InputStream in = PlatformRelease.class.getClassLoader().getResourceAsStream(digest)) {
            if (in == null) {
                return Optional.empty();
            }
            String hex = new String(in.readNBytes(256), StandardCharsets.US_ASCII).trim();
            return SHA256_HEX.matcher(hex).matches() ? Optional.of(hex) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
