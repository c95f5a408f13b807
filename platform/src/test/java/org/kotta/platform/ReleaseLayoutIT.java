package org.kotta.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The release tarball that {@code mvn package} builds (an IT because it reads the packaged
 * artifact, which exists only after the package phase; it needs no cloud).
 */
class ReleaseLayoutIT {
    private static final Path RELEASE = Path.of("target", "kotta-platform-release.tar.gz");

    @Test
    void releaseHasTheContractLayout() throws IOException {
        Map<String, TarEntry> entries = read(RELEASE);

        assertThat(entries.get("bin/kotta-start")).satisfies(e -> {
            assertThat(e.regular()).isTrue();
            assertThat(e.mode() & 0111).isEqualTo(0111);
        });
        for (String script : new String[] {"bin/kotta-bootstrap", "bin/kotta-signal"}) {
            assertThat(entries.get(script)).as(script).satisfies(e -> {
                assertThat(e.regular()).isTrue();
                assertThat(e.mode() & 0777).isEqualTo(0755);
            });
        }
        assertThat(entries.keySet()).anyMatch(n -> n.matches("lib/kotta-platform-[^/]+\\.jar"));
        assertThat(entries.keySet()).anyMatch(n -> n.matches("lib/jackson-databind-[^/]+\\.jar"));
        assertThat(entries.keySet()).anyMatch(n -> n.startsWith("views/"));
        assertThat(entries.keySet()).anyMatch(n -> n.startsWith("static/"));
        assertThat(entries.keySet()).allMatch(n -> !n.startsWith("/") && !n.contains(".."));
        assertThat(entries.keySet()).doesNotContain("kotta-deployment.conf");
    }

    @Test
    void startScriptRunsMainWithTheReleaseLibraries() throws IOException {
        String start = Files.readString(Path.of("src", "release", "bin", "kotta-start"));
        assertThat(start)
                .startsWith("#!/bin/sh")
                .contains("-cp \"$ROOT/lib/*\" org.kotta.platform.Main \"$@\"")
                .contains("export KOTTA_APP_DIR")
                .contains("${KOTTA_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}");
        // the executor's measured low-RSS set (DeliveryIT holds its idle RSS under 200 MB)
        assertThat(start)
                .contains("task-executor) DEFAULT_JAVA_OPTS=\"-Xmx96m -Xss512k -XX:+UseSerialGC"
                        + " -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1\"");
        assertThat(start).contains("web-server) DEFAULT_JAVA_OPTS=\"-Xmx192m");
    }

    /** A plain ustar/posix reader: enough for names, types and modes, no dependency needed. */
    private static Map<String, TarEntry> read(Path tarball) throws IOException {
        Map<String, TarEntry> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            byte[] header = new byte[512];
            String paxPath = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                int mode = Integer.parseInt(field(header, 100, 8).trim(), 8);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = paxPath(new String(body, java.nio.charset.StandardCharsets.UTF_8));
                    continue;
                }
                if (paxPath != null) {
                    name = paxPath;
                    paxPath = null;
                }
                entries.put(name, new TarEntry(type == '0' || type == 0, mode));
            }
        }
        return entries;
    }

    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int at = record.indexOf(" path=");
            if (at >= 0) {
                return record.substring(at + 6);
            }
        }
        return null;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, java.nio.charset.StandardCharsets.UTF_8);
    }

    private record TarEntry(boolean regular, int mode) {}
}
