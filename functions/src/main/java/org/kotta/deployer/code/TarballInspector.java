package org.kotta.deployer.code;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.IOUtils;
import org.apache.commons.io.input.CountingInputStream;

/**
 * Decides whether a gzip tar of web code is safe to extract on the web server: every entry
 * stays inside the code tree, holds no device, FIFO or escaping link, and the whole stays
 * under {@link TarballLimits}. Sizes and ratio are checked while inflating, so a gzip bomb is
 * refused after at most one cap's worth of work. Pure: it reads the stream it is given and
 * nothing else.
 */
public final class TarballInspector {
    /** The entry every release has: what the instances run (see docs/customizing.md). */
    public static final String START_SCRIPT = "bin/kotta-start";

    static final String NOT_A_RELEASE = "the tarball has no " + START_SCRIPT + ": it is not a Cloud Kotta release"
            + " (Cloud Kotta's original Python 2 repository cannot run on current AMIs); see docs/customizing.md";
    private static final int BUFFER = 64 * 1024;

    private final TarballLimits limits;

    public TarballInspector() {
        this(TarballLimits.DEFAULTS);
    }

    public TarballInspector(TarballLimits limits) {
        this.limits = limits;
    }

    public TarballLimits limits() {
        return limits;
    }

    /**
     * Reads {@code gzipTar} to its end (or to the first problem) and returns the verdict. The
     * stream is not closed.
     *
     * @throws IOException only when reading {@code gzipTar} itself fails (not for bad content)
     */
    public TarballInspection inspect(InputStream gzipTar) throws IOException {
        Run run = new Run(limits);
        try {
            return run.inspect(gzipTar);
        } catch (IOException | RuntimeException e) {
            if (run.sourceFailure != null) {
                throw run.sourceFailure;
            }
            return run.reject(run.verdict != null ? run.verdict : run.explain(e));
        }
    }

    /** The state of one inspection: counters shared by the stream layers and the entry loop. */
    private static final class Run {
        private final TarballLimits limits;
        private CompressedSide compressed;
        private UncompressedSide inflated;
        private boolean inflatedToEnd;
        private boolean gzipOpened;
        private String verdict;
        private IOException sourceFailure;
        private int entryCount;
        private int fileCount;
        /** The mode of {@code bin/kotta-start} as a regular file; null while none was seen. */
        private Integer startScriptMode;

        private String startScriptKind;

        Run(TarballLimits limits) {
            this.limits = limits;
        }

        TarballInspection inspect(InputStream source) throws IOException {
            compressed = new CompressedSide(source);
            InputStream buffered = new BufferedInputStream(compressed, BUFFER);
            String notGzip = notGzip(buffered);
            if (notGzip != null) {
                return reject(notGzip);
            }
            GzipCompressorInputStream gzip = GzipCompressorInputStream.builder()
                    .setInputStream(buffered)
                    .setDecompressConcatenated(true)
                    .get();
            gzipOpened = true;
            inflated = new UncompressedSide(gzip);
            CheckedTarStream tar = new CheckedTarStream(inflated);
            Map<String, String> symlinks = new HashMap<>();
            List<TarArchiveEntry> symlinkEntries = new ArrayList<>();
            Set<String> earlierFiles = new HashSet<>();
            byte[] buffer = new byte[BUFFER];

            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entryCount++;
                if (entryCount > limits.maxEntries()) {
                    return reject("the tarball passes the " + limits.maxEntries() + "-entry cap");
                }
                String name = entry.getName();
                String problem = TarPaths.problemWithName(name);
                if (problem != null) {
                    return reject(problem);
                }
                String path = TarPaths.normalize(name);
                String quoted = TarPaths.quote(name);
                if (entry.isCharacterDevice()) {
                    return reject("entry " + quoted + " is a character device");
                } else if (entry.isBlockDevice()) {
                    return reject("entry " + quoted + " is a block device");
                } else if (entry.isFIFO()) {
                    return reject("entry " + quoted + " is a FIFO (named pipe)");
                } else if (entry.isSymbolicLink()) {
                    String target = entry.getLinkName();
                    if (target == null || target.isEmpty()) {
                        return reject("entry " + quoted + " is a symbolic link with no target");
                    }
                    symlinks.put(path, target);
                    noteStartScript(path, "a symbolic link", null);
                    symlinkEntries.add(entry);
                } else if (entry.isLink()) {
                    String target = entry.getLinkName() == null ? "" : entry.getLinkName();
                    if (TarPaths.problemWithName(target) != null || TarPaths.isAbsolute(target)) {
                        return reject("entry " + quoted + " is a hard link to " + TarPaths.quote(target)
                                + " outside the code tree");
                    }
                    if (!earlierFiles.contains(TarPaths.normalize(target))) {
                        return reject("entry " + quoted + " is a hard link to " + TarPaths.quote(target)
                                + ", which is not an earlier file in the tarball");
                    }
                    noteStartScript(path, "a hard link", null);
                } else if (entry.isDirectory()) {
                    noteStartScript(path, "a directory", null);
                    continue;
                } else if (isRegularFile(entry)) {
                    if (path.isEmpty()) {
                        return reject("entry " + quoted + " is a file with no name");
                    }
                    fileCount++;
                    noteStartScript(path, null, entry.getMode());
                    while (tar.read(buffer) != -1) {
                        // sizes and ratio are checked by the stream layers while this inflates
                    }
                } else {
                    return reject(
                            "entry " + quoted + " has an unsupported tar type '" + (char) entry.getLinkFlag() + "'");
                }
                earlierFiles.add(path);
            }
            if (entryCount == 0 && uncompressedBytes() == 0) {
                return reject("the tarball holds no files");
            }
            if (!tar.sawEndMarker) {
                return reject("truncated tar archive (it ends without the end-of-archive marker)");
            }
            // read the rest so the gzip trailer (CRC and length) is checked as well
            while (inflated.read(buffer) != -1) {
                // trailing padding counts against the caps like everything else
            }
            for (TarArchiveEntry link : symlinkEntries) {
                String path = TarPaths.normalize(link.getName());
                String verdictForLink = TarPaths.resolveLink(path, link.getLinkName(), symlinks);
                if (verdictForLink != null) {
                    String quoted = TarPaths.quote(link.getName());
                    return reject(
                            verdictForLink.equals("loop")
                                    ? "entry " + quoted + " is a symbolic link loop"
                                    : "entry " + quoted + " is a symbolic link to " + TarPaths.quote(link.getLinkName())
                                            + " outside the code tree");
                }
            }
            if (fileCount == 0) {
                return reject("the tarball holds no files");
            }
            if (startScriptKind == null && startScriptMode == null) {
                return reject(NOT_A_RELEASE);
            }
            if (startScriptKind != null) {
                return reject(
                        START_SCRIPT + " is " + startScriptKind + ", not a regular file; see docs/customizing.md");
            }
            if ((startScriptMode & 0111) == 0) {
                return reject(
                        START_SCRIPT + " is not executable (mode " + String.format("%04o", startScriptMode & 07777)
                                + "): chmod 0755 it before taring; see docs/customizing.md");
            }
            return TarballInspection.accept(entryCount, fileCount, uncompressedBytes());
        }

        /** Records what {@code bin/kotta-start} is: {@code kind} for anything but a regular file. */
        private void noteStartScript(String path, String kind, Integer mode) {
            if (path.equals(START_SCRIPT) || path.equals(START_SCRIPT + "/")) {
                startScriptKind = kind;
                startScriptMode = mode;
            }
        }

        TarballInspection reject(String reason) {
            return TarballInspection.reject(reason, entryCount, fileCount, uncompressedBytes());
        }

        private long uncompressedBytes() {
            return inflated == null ? 0 : inflated.getByteCount();
        }

        /** The admin's words for a decoding failure that no cap or entry rule explained. */
        String explain(Exception e) {
            if (e instanceof GzipFailure gzipFailure) {
                return gzipFailure.getCause() instanceof EOFException
                        ? "truncated gzip stream"
                        : "corrupt gzip stream (" + gzipFailure.getCause().getMessage() + ")";
            }
            if (!gzipOpened) {
                return e instanceof EOFException ? "truncated gzip stream" : "not a gzip file";
            }
            if (inflatedToEnd) {
                return "truncated tar archive";
            }
            return "not a valid tar archive (" + e.getMessage() + ")";
        }

        private String notGzip(InputStream compressed) throws IOException {
            compressed.mark(4);
            byte[] magic = compressed.readNBytes(4);
            compressed.reset();
            if (magic.length == 0) {
                return "not a gzip file (it is empty)";
            }
            if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return null;
            }
            if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
                return "not a gzip file (it is a zip archive)";
            }
            return "not a gzip file";
        }

        private void checkCompressed(long compressedBytes) throws CapExceeded {
            if (compressedBytes > limits.maxCompressedBytes()) {
                throw fail("the tarball passes the " + TarballLimits.describe(limits.maxCompressedBytes())
                        + " compressed size cap");
            }
        }

        private void checkUncompressed(long uncompressedBytes) throws CapExceeded {
            if (uncompressedBytes > limits.maxUncompressedBytes()) {
                throw fail("uncompressed size passes the " + TarballLimits.describe(limits.maxUncompressedBytes())
                        + " cap");
            }
            if (uncompressedBytes > limits.ratioFloorBytes()
                    && uncompressedBytes > Math.max(compressed.getByteCount(), 1) * limits.maxRatio()) {
                throw fail("compression ratio passes the " + limits.maxRatio() + ":1 cap (a gzip bomb?)");
            }
        }

        private CapExceeded fail(String reason) {
            verdict = reason;
            return new CapExceeded(reason);
        }

        /**
         * A counting stream whose skips are reads, so that every byte passes the caps; the caps
         * are checked after each read ({@link #afterRead}) with the count so far.
         */
        private abstract static class CheckedCount extends CountingInputStream {
            CheckedCount(InputStream in) {
                super(in);
            }

            @Override
            public long skip(long n) throws IOException {
                return IOUtils.skip(this, n);
            }
        }

        /** Counts what is read from the caller's stream; its own failures are kept apart. */
        private final class CompressedSide extends CheckedCount {
            CompressedSide(InputStream in) {
                super(in);
            }

            @Override
            protected synchronized void afterRead(int n) throws IOException {
                super.afterRead(n);
                if (n > 0) {
                    checkCompressed(getByteCount());
                }
            }

            @Override
            protected void handleIOException(IOException e) throws IOException {
                if (!(e instanceof CapExceeded)) {
                    sourceFailure = e;
                }
                throw e;
            }
        }

        /** Counts inflated bytes against the caps; gzip failures come out as {@link GzipFailure}. */
        private final class UncompressedSide extends CheckedCount {
            UncompressedSide(InputStream gzip) {
                super(gzip);
            }

            @Override
            protected synchronized void afterRead(int n) throws IOException {
                super.afterRead(n);
                if (n == IOUtils.EOF) {
                    inflatedToEnd = true;
                } else if (n > 0) {
                    checkUncompressed(getByteCount());
                }
            }

            @Override
            protected void handleIOException(IOException e) throws IOException {
                if (e instanceof CapExceeded || sourceFailure != null) {
                    throw e;
                }
                throw new GzipFailure(e);
            }
        }
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return !entry.isSparse()
                && (flag == TarConstants.LF_NORMAL
                        || flag == TarConstants.LF_OLDNORM
                        || flag == TarConstants.LF_CONTIG);
    }

    /** A tar reader that tells a clean end (the zero-record marker) from a stream that just stops. */
    private static final class CheckedTarStream extends TarArchiveInputStream {
        private boolean sawEndMarker;

        CheckedTarStream(InputStream in) {
            super(in);
        }

        @Override
        protected boolean isEOFRecord(byte[] record) {
            boolean end = super.isEOFRecord(record);
            if (end && record != null) {
                sawEndMarker = true;
            }
            return end;
        }
    }

    private static final class CapExceeded extends IOException {
        CapExceeded(String reason) {
            super(reason);
        }
    }

    private static final class GzipFailure extends IOException {
        GzipFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
