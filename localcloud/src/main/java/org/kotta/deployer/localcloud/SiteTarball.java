package org.kotta.deployer.localcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A small code tarball in the release layout, as an admin would upload: text files, and an
 * executable {@code bin/kotta-start} first (a stub, unless the files give their own), since
 * the deployer refuses a tarball without one.
 */
public final class SiteTarball {
    private SiteTarball() {}

    public static final String START_SCRIPT = "bin/kotta-start";
    private static final String STUB_START = "#!/bin/sh\necho \"kotta-start: this release runs nothing\" >&2\nexit 1\n";

    /** @param files name → content, in the order given */
    public static byte[] of(Map<String, String> files) {
        Map<String, String> release = new LinkedHashMap<>();
        if (!files.containsKey(START_SCRIPT)) {
            release.put(START_SCRIPT, STUB_START);
        }
        release.putAll(files);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (Map.Entry<String, String> file : release.entrySet()) {
                byte[] data = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(data.length);
                entry.setMode(file.getKey().startsWith("bin/") ? 0755 : 0644);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
