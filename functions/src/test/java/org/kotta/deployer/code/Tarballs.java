package org.kotta.deployer.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds test tarballs, good and hostile, in memory with commons-compress. */
final class Tarballs {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private Date modTime;

    /** The mtime of {@link #goodSite()}'s entries: far from both the epoch and the clock. */
    static final Date SITE_TIME = new Date(1_000_000_000_000L);

    private Tarballs() {
        try {
            tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    static Tarballs gzipTar() {
        return new Tarballs();
    }

    /** The start script every release has (an executable {@code bin/kotta-start}). */
    static final String START_SCRIPT = "bin/kotta-start";

    /** A small release: its start script, a directory, two files and a link that stays inside. */
    static byte[] goodSite() {
        return gzipTar()
                .modTime(SITE_TIME)
                .startScript()
                .dir("app/")
                .file("app/index.html", "<h1>Cloud Kotta</h1>")
                .file("app/server.py", "print('hi')")
                .symlink("app/home.html", "index.html")
                .build();
    }

    /** Stamps the entries added after this with {@code time} (else commons-compress uses the clock). */
    Tarballs modTime(Date time) {
        this.modTime = time;
        return this;
    }

    Tarballs dir(String name) {
        return entry(new TarArchiveEntry(name, TarConstants.LF_DIR, true), null);
    }

    Tarballs file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Tarballs file(String name, byte[] content) {
        return file(name, content, 0644);
    }

    Tarballs file(String name, byte[] content, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(content.length);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
        return entry(entry, content);
    }

    /** Adds an executable {@code bin/kotta-start}, what makes a tarball a Cloud Kotta release. */
    Tarballs startScript() {
        return file(START_SCRIPT, "#!/bin/sh\nexec true\n".getBytes(StandardCharsets.UTF_8), 0755);
    }

    /** A file of {@code size} zero bytes, streamed so no test holds it in memory. */
    Tarballs zeros(String name, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(size);
        try {
            tar.putArchiveEntry(entry);
            byte[] block = new byte[64 * 1024];
            for (long left = size; left > 0; left -= block.length) {
                tar.write(block, 0, (int) Math.min(block.length, left));
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Tarballs symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        return entry(entry, null);
    }

    Tarballs hardLink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return entry(entry, null);
    }

    Tarballs special(String name, byte type) {
        return entry(new TarArchiveEntry(name, type, true), null);
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Tarballs entry(TarArchiveEntry entry, byte[] content) {
        if (modTime != null) {
            entry.setModTime(modTime);
        }
        try {
            tar.putArchiveEntry(entry);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A plain (uncompressed) tar, the bytes a truncated-tar test then gzips. */
    static byte[] plainTar(String name, String content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zip(String name, String content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
