package org.kotta.deployer.localcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Code tarballs an attacker (or a careless admin) might upload, built in code with
 * commons-compress so each test shows the shape it is about. Each has the fragment the
 * deployer's refusal must contain: the entry's name or the cap it passes.
 */
final class AttackTarballs {
    static final long MIB = 1024L * 1024L;

    private AttackTarballs() {}

    /** One attack: the object's bytes (or file, for the big one) and what the refusal must name. */
    record Attack(String name, byte[] bytes, Path file, String expectedReason) {
        long size() throws IOException {
            return file != null ? Files.size(file) : bytes.length;
        }
    }

    static Attack traversal() throws IOException {
        return new Attack(
                "dot-dot traversal",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    addFile(
                            tar,
                            "static/../../../etc/cron.d/kotta-pwn",
                            "* * * * * root sh -c id\n".getBytes(StandardCharsets.UTF_8));
                }),
                null,
                "entry \"static/../../../etc/cron.d/kotta-pwn\" escapes the code tree");
    }

    static Attack absolutePath() throws IOException {
        return new Attack(
                "absolute path",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    addFile(tar, "/etc/kotta-pwn.conf", "owned\n".getBytes(StandardCharsets.UTF_8));
                }),
                null,
                "entry \"/etc/kotta-pwn.conf\" has an absolute path");
    }

    static Attack symlinkLeavingTheTree() throws IOException {
        return new Attack(
                "symlink leaving the tree",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    symlink(tar, "static/passwd", "../../../../etc/passwd");
                }),
                null,
                "entry \"static/passwd\" is a symbolic link to \"../../../../etc/passwd\" outside the code tree");
    }

    /** A harmless ustar name overridden by a PAX extended header, as GNU tar would extract it. */
    static Attack paxPathOverride() throws IOException {
        return new Attack(
                "PAX path override",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    TarArchiveEntry entry = new TarArchiveEntry("static/ok.txt", true);
                    entry.addPaxHeader("path", "../../../etc/cron.d/kotta-pax");
                    byte[] data = "* * * * * root id\n".getBytes(StandardCharsets.UTF_8);
                    entry.setSize(data.length);
                    tar.putArchiveEntry(entry);
                    tar.write(data);
                    tar.closeArchiveEntry();
                }),
                null,
                "entry \"../../../etc/cron.d/kotta-pax\" escapes the code tree");
    }

    /** Each link stays inside on its own; followed through each other they leave the tree. */
    static Attack symlinkChainLeavingTheTree() throws IOException {
        return new Attack(
                "symlink chain leaving the tree",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    symlink(tar, "root", "static/..");
                    symlink(tar, "above", "root/..");
                }),
                null,
                "entry \"above\" is a symbolic link to \"root/..\" outside the code tree");
    }

    static Attack hardLinkLeavingTheTree() throws IOException {
        return new Attack(
                "hard link leaving the tree",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    TarArchiveEntry link = new TarArchiveEntry("shadow", TarConstants.LF_LINK, true);
                    link.setLinkName("/etc/shadow");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }),
                null,
                "entry \"shadow\" is a hard link to \"/etc/shadow\" outside the code tree");
    }

    static Attack deviceFile() throws IOException {
        return new Attack(
                "device file",
                tarGz(tar -> {
                    addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
                    TarArchiveEntry device = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK, true);
                    device.setDevMajor(8);
                    device.setDevMinor(0);
                    tar.putArchiveEntry(device);
                    tar.closeArchiveEntry();
                }),
                null,
                "entry \"dev/sda\" is a block device");
    }

    /**
     * A few MiB of gzip that inflate to {@code inflatedGiB} GiB of zeros: gzip members
     * concatenated (valid gzip, as {@code gzip -d} reads it) — the tar header, then the same
     * compressed MiB of zeros repeated, then the tar's end — so building it costs one MiB of
     * deflating, not gigabytes.
     */
    static Attack gzipBomb(int inflatedGiB) throws IOException {
        long fileSize = inflatedGiB * 1024L * MIB;
        TarArchiveEntry entry = new TarArchiveEntry("data/zeros.bin", true);
        entry.setSize(fileSize);
        byte[] header = new byte[512];
        entry.writeEntryHeader(header);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzipMember(header));
        byte[] zerosMember = gzipMember(new byte[(int) MIB]);
        for (long written = 0; written < fileSize; written += MIB) {
            out.write(zerosMember);
        }
        // the file ends on a record boundary; then the end-of-archive marker
        out.write(gzipMember(new byte[1024]));
        return new Attack("gzip bomb", out.toByteArray(), null, "compression ratio passes the 100:1 cap");
    }

    static Attack truncatedGzip() throws IOException {
        byte[] whole = tarGz(tar -> {
            Random random = new Random(7);
            byte[] page = new byte[256 * 1024];
            random.nextBytes(page);
            addFile(tar, "index.html", "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8));
            addFile(tar, "static/app.bin", page);
        });
        return new Attack("truncated gzip", Arrays.copyOf(whole, whole.length / 2), null, "truncated gzip stream");
    }

    static Attack plainFileRenamed() {
        return new Attack(
                "plain file renamed .tar.gz",
                "<html><body>this is index.html, renamed site.tar.gz</body></html>\n".getBytes(StandardCharsets.UTF_8),
                null,
                "not a gzip file");
    }

    static Attack emptyTarball() throws IOException {
        return new Attack("empty tarball", tarGz(tar -> {}), null, "the tarball holds no files");
    }

    static Attack zeroByteObject() {
        return new Attack("zero-byte object", new byte[0], null, "not a gzip file (it is empty)");
    }

    /**
     * A real gzip tar just over the compressed cap, of random (incompressible) bytes,
     * written to a temp file a buffer at a time so memory stays low.
     */
    static Attack overTheSizeCap(Path dir, long capBytes) throws IOException {
        Path file = dir.resolve("over-cap.tar.gz");
        long fileSize = capBytes + MIB;
        GzipParameters fast = new GzipParameters();
        fast.setCompressionLevel(Deflater.BEST_SPEED);
        try (OutputStream raw = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(raw, fast))) {
            TarArchiveEntry entry = new TarArchiveEntry("static/video.bin", true);
            entry.setSize(fileSize);
            tar.putArchiveEntry(entry);
            Random random = new Random(42);
            byte[] buffer = new byte[(int) MIB];
            for (long written = 0; written < fileSize; written += buffer.length) {
                random.nextBytes(buffer);
                tar.write(buffer, 0, (int) Math.min(buffer.length, fileSize - written));
            }
            tar.closeArchiveEntry();
        }
        if (Files.size(file) <= capBytes) {
            throw new IllegalStateException("the over-cap tarball came out at " + Files.size(file) + " bytes");
        }
        return new Attack(
                "over the 100 MiB size cap", null, file, "the tarball passes the 100 MiB compressed size cap");
    }

    interface Entries {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    static byte[] tarGz(Entries entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.write(tar);
        }
        return bytes.toByteArray();
    }

    static void addFile(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static void symlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        link.setLinkName(target);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
    }

    private static byte[] gzipMember(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes)) {
            gzip.write(data);
        }
        return bytes.toByteArray();
    }
}
