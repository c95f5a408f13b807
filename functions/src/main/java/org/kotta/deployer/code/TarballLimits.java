package org.kotta.deployer.code;

/**
 * The caps a code tarball must stay under. The ratio is uncompressed bytes over compressed
 * bytes, checked only once the uncompressed total passes {@code ratioFloorBytes}, so a tiny
 * tarball of text (which compresses very well) is never refused for its ratio.
 */
public record TarballLimits(
        long maxCompressedBytes, long maxUncompressedBytes, long maxRatio, long ratioFloorBytes, int maxEntries) {

    public static final long MIB = 1024L * 1024L;
    public static final long GIB = 1024L * MIB;

    /** 100 MiB compressed, 1 GiB uncompressed, 100:1 past 1 MiB, 20,000 entries. */
    public static final TarballLimits DEFAULTS = new TarballLimits(100 * MIB, GIB, 100, MIB, 20_000);

    public TarballLimits {
        if (maxCompressedBytes <= 0
                || maxUncompressedBytes <= 0
                || maxRatio <= 0
                || ratioFloorBytes < 0
                || maxEntries <= 0) {
            throw new IllegalArgumentException("tarball limits must be positive");
        }
    }

    public TarballLimits(long maxCompressedBytes, long maxUncompressedBytes, long maxRatio, int maxEntries) {
        this(maxCompressedBytes, maxUncompressedBytes, maxRatio, MIB, maxEntries);
    }

    /** "100 MiB", "1 GiB", "1536 bytes": how a cap reads in a rejection. */
    static String describe(long bytes) {
        if (bytes >= GIB && bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }
}
