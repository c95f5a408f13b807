package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Whether a clock leaked into a tarball the deployer wrote (equal bytes twice in one second
 * cannot tell: tar mtimes are whole seconds). DeterministicTar stamps the entries the deployer
 * adds itself with the epoch and root ownership, and writes a gzip header without a time.
 */
final class TarClock {
    private TarClock() {}

    /** The gzip header's MTIME (bytes 4–7, little-endian) is zero. */
    static void assertGzipHeaderHasNoTime(byte[] gzip) {
        assertThat(gzip.length).isGreaterThan(10);
        assertThat(Arrays.copyOfRange(gzip, 4, 8)).as("gzip MTIME").containsExactly(0, 0, 0, 0);
    }

    /** Every entry named in {@code added} has mtime 0 (the epoch) and uid/gid 0, and is there. */
    static void assertAddedEntriesAtTheEpoch(byte[] gzipTar, Set<String> added) {
        Map<String, TarArchiveEntry> entries = entries(gzipTar);
        assertThat(entries.keySet()).containsAll(added);
        for (String name : added) {
            TarArchiveEntry entry = entries.get(name);
            assertThat(entry.getModTime().getTime()).as("mtime of %s", name).isZero();
            assertThat(entry.getLongUserId()).as("uid of %s", name).isZero();
            assertThat(entry.getLongGroupId()).as("gid of %s", name).isZero();
        }
    }

    /** Name → entry header, in order. */
    static Map<String, TarArchiveEntry> entries(byte[] gzipTar) {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(gzipTar)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
