package org.kotta.deployer.code;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Date;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/** Writes gzip tars whose bytes depend only on their entries: no clock, no host, no file name. */
final class DeterministicTar {
    /** The mtime of files the deployer adds itself. */
    static final Date FIXED_TIME = new Date(0);

    private static final int OS_UNKNOWN = 255;

    private DeterministicTar() {}

    static TarArchiveOutputStream open(OutputStream out) throws IOException {
        GzipParameters gzip = new GzipParameters();
        gzip.setModificationTime(0);
        gzip.setOperatingSystem(OS_UNKNOWN);
        gzip.setCompressionLevel(Deflater.DEFAULT_COMPRESSION);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out, gzip), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    /** A regular file owned by root with a fixed mtime. */
    static void addFile(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(content.length);
        entry.setMode(mode);
        entry.setModTime(FIXED_TIME);
        entry.setIds(0, 0);
        entry.setNames("root", "root");
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
