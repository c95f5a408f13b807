package org.kotta.deployer.code;

/**
 * What PackageAndUploadCode produced. A refused tarball is an expected outcome: accepted is
 * false, reason says why and nothing was uploaded.
 *
 * @param releaseKey  {@code releases/<sha256>.tar.gz} in the JobsBucket
 * @param sha256      hex SHA-256 of the release tarball's bytes
 * @param sizeBytes   size of the release tarball
 * @param source      the {@code s3://} URL of the code, or {@code "platform"} (the platform release)
 * @param templateUrl the TemplateURL of the uploaded {@code kotta.yaml}
 */
public record PackageResult(
        boolean accepted,
        String reason,
        String releaseKey,
        String sha256,
        long sizeBytes,
        String source,
        String templateUrl) {

    static PackageResult rejected(String source, String reason) {
        return new PackageResult(false, reason, null, null, 0, source, null);
    }
}
