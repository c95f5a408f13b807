package org.kotta.deployer.localcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * What docs/customizing.md tells an admin to do, in code: take the platform release that
 * {@code mvn package} builds, change one file (a view), and pack it again with every other
 * entry, mode and link as it was.
 */
public final class CustomizedRelease {
    /** The platform release, relative to the repository root. */
    public static final String PLATFORM_RELEASE = "platform/target/kotta-platform-release.tar.gz";

    private CustomizedRelease() {}

    /**
     * @param root the repository root
     * @param file the entry to change, e.g. {@code views/header.mustache}
     * @param edit its new text from the old; must change it
     */
    public static byte[] of(Path root, String file, UnaryOperator<String> edit) throws IOException {
        Path release = root.resolve(PLATFORM_RELEASE);
        if (!Files.isRegularFile(release)) {
            throw new IllegalStateException(release + " is missing: build the platform first (mvn package)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean changed = false;
        try (InputStream in = Files.newInputStream(release);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in));
                TarArchiveOutputStream out = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                byte[] content = entry.isFile() ? tar.readAllBytes() : new byte[0];
                if (entry.isFile() && entry.getName().replaceFirst("^\\./", "").equals(file)) {
                    String before = new String(content, StandardCharsets.UTF_8);
                    String after = edit.apply(before);
                    if (after.equals(before)) {
                        throw new IllegalStateException("the edit leaves " + file + " unchanged");
                    }
                    content = after.getBytes(StandardCharsets.UTF_8);
                    changed = true;
                }
                TarArchiveEntry copy = new TarArchiveEntry(
                        entry.getName(),
                        entry.isSymbolicLink()
                                ? TarArchiveEntry.LF_SYMLINK
                                : entry.isDirectory() ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
                copy.setMode(entry.getMode());
                copy.setModTime(entry.getModTime());
                if (entry.isSymbolicLink()) {
                    copy.setLinkName(entry.getLinkName());
                }
                copy.setSize(entry.isFile() ? content.length : 0);
                out.putArchiveEntry(copy);
                if (entry.isFile()) {
                    out.write(content);
                }
                out.closeArchiveEntry();
            }
        }
        if (!changed) {
            throw new IllegalStateException(release + " has no " + file);
        }
        return bytes.toByteArray();
    }
}
