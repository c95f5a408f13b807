package org.kotta.deployer.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The site deployed before any web code is uploaded: a page telling the admin where to upload
 * it, and {@code kotta-start} serving that page on the web server's port. Built from the
 * resources under {@code placeholder-site/}, the same bytes for the same bucket.
 */
final class PlaceholderSite {
    private static final String FOLDER = "placeholder-site/";
    private static final String BUCKET_MARK = "{{JOBS_BUCKET}}";

    private PlaceholderSite() {
    }

    static byte[] tarball(String jobsBucket) {
        String page = new String(resource("index.html"), StandardCharsets.UTF_8)
                .replace(BUCKET_MARK, escapeHtml(jobsBucket));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = DeterministicTar.open(out)) {
            DeterministicTar.addFile(tar, "index.html", page.getBytes(StandardCharsets.UTF_8), 0644);
            DeterministicTar.addFile(tar, "kotta-start", resource("kotta-start"), 0755);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] resource(String name) {
        try (InputStream in = PlaceholderSite.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException(FOLDER + name + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
