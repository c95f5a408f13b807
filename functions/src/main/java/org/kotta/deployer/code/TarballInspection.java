package org.kotta.deployer.code;

/**
 * What {@link TarballInspector} found. A refused tarball is an expected outcome, not an
 * exception: {@code accepted} is false and {@code reason} says, for an admin, which entry or
 * which cap was the problem.
 *
 * @param entryCount        entries read (directories and links included) before the verdict
 * @param fileCount         regular files among them
 * @param uncompressedBytes tar stream bytes inflated before the verdict
 */
public record TarballInspection(
        boolean accepted, String reason, int entryCount, int fileCount, long uncompressedBytes) {

    static TarballInspection accept(int entryCount, int fileCount, long uncompressedBytes) {
        return new TarballInspection(true, null, entryCount, fileCount, uncompressedBytes);
    }

    static TarballInspection reject(String reason, int entryCount, int fileCount, long uncompressedBytes) {
        return new TarballInspection(false, reason, entryCount, fileCount, uncompressedBytes);
    }
}
