package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarballInspectorTest {
    private static final long MIB = TarballLimits.MIB;

    private final TarballInspector inspector = new TarballInspector();

    private TarballInspection inspect(byte[] tarball) throws IOException {
        return inspector.inspect(new ByteArrayInputStream(tarball));
    }

    private static void assertRejected(TarballInspection inspection, String reason) {
        assertThat(inspection.accepted()).as("accepted").isFalse();
        assertThat(inspection.reason()).isEqualTo(reason);
    }

    @Test
    void acceptsAGoodTarball() throws IOException {
        TarballInspection inspection = inspect(Tarballs.goodSite());

        assertThat(inspection.accepted()).isTrue();
        assertThat(inspection.reason()).isNull();
        assertThat(inspection.entryCount()).isEqualTo(5);
        assertThat(inspection.fileCount()).isEqualTo(3);
        assertThat(inspection.uncompressedBytes()).isPositive();
    }

    @Test
    void acceptsNamesWithADotSlashPrefix() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .dir("./")
                .file("./index.html", "hi")
                .file("./bin/kotta-start", "#!/bin/sh\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0755)
                .build();

        assertThat(inspect(tarball).accepted()).isTrue();
    }

    @Test
    void rejectsDotDotTraversal() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "ok")
                .file("../etc/passwd", "root::0:0")
                .build();

        assertRejected(inspect(tarball), "entry \"../etc/passwd\" escapes the code tree (\"..\")");
    }

    @Test
    void rejectsDotDotInTheMiddleOfAPath() throws IOException {
        byte[] tarball = Tarballs.gzipTar().file("app/../../x", "x").build();

        assertRejected(inspect(tarball), "entry \"app/../../x\" escapes the code tree (\"..\")");
    }

    @Test
    void rejectsAbsolutePath() throws IOException {
        byte[] tarball =
                Tarballs.gzipTar().file("/etc/cron.d/evil", "* * * * * root sh").build();

        assertRejected(inspect(tarball), "entry \"/etc/cron.d/evil\" has an absolute path");
    }

    @Test
    void rejectsBackslashTricks() throws IOException {
        byte[] tarball = Tarballs.gzipTar().file("..\\..\\evil.sh", "x").build();

        assertRejected(
                inspect(tarball), "entry \"..\\..\\evil.sh\" has a backslash in its name (a Windows path trick)");
    }

    @Test
    void rejectsWindowsDriveLetter() throws IOException {
        byte[] tarball = Tarballs.gzipTar().file("C:/Windows/evil.dll", "x").build();

        assertRejected(inspect(tarball), "entry \"C:/Windows/evil.dll\" starts with a Windows drive letter");
    }

    @Test
    void rejectsControlCharactersInNames() throws IOException {
        byte[] tarball = Tarballs.gzipTar().file("index\n.html", "x").build();

        assertRejected(inspect(tarball), "entry \"index\\u000a.html\" has a control character in its name");
    }

    @Test
    void rejectsSymlinkToAnAbsoluteTarget() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .symlink("link", "/etc")
                .build();

        assertRejected(inspect(tarball), "entry \"link\" is a symbolic link to \"/etc\" outside the code tree");
    }

    @Test
    void rejectsSymlinkWhoseRelativeTargetLeavesTheTree() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("app/index.html", "x")
                .symlink("app/secrets", "../../root")
                .build();

        assertRejected(
                inspect(tarball), "entry \"app/secrets\" is a symbolic link to \"../../root\" outside the code tree");
    }

    @Test
    void acceptsSymlinkThatStaysInside() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("shared/style.css", "body{}")
                .file("app/index.html", "x")
                .symlink("app/style.css", "../shared/style.css")
                .symlink("app/self", ".")
                .startScript()
                .build();

        TarballInspection inspection = inspect(tarball);

        assertThat(inspection.accepted()).as(inspection.reason()).isTrue();
    }

    @Test
    void rejectsSymlinkThatEscapesThroughAnotherLink() throws IOException {
        // lexically sub/a/../.. is the root, but sub/a is itself a link to the root
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .symlink("sub/a", "..")
                .symlink("sub/b", "a/../..")
                .build();

        assertRejected(inspect(tarball), "entry \"sub/b\" is a symbolic link to \"a/../..\" outside the code tree");
    }

    @Test
    void rejectsSymlinkRedirectedByALaterLink() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .symlink("sub/b", "a/../..")
                .symlink("sub/a", "..")
                .build();

        assertRejected(inspect(tarball), "entry \"sub/b\" is a symbolic link to \"a/../..\" outside the code tree");
    }

    @Test
    void rejectsSymlinkPlacedUnderALinkedDirectory() throws IOException {
        // "l" is the root itself, so "l/s" sits in the root and ".." from there leaves the tree
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .symlink("l", ".")
                .symlink("l/s", "../x")
                .build();

        assertRejected(inspect(tarball), "entry \"l/s\" is a symbolic link to \"../x\" outside the code tree");
    }

    @Test
    void rejectsSymlinkLoops() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .symlink("a", "b")
                .symlink("b", "a")
                .build();

        assertRejected(inspect(tarball), "entry \"a\" is a symbolic link loop");
    }

    @Test
    void rejectsHardLinkOutsideTheTree() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .hardLink("shadow", "/etc/shadow")
                .build();

        assertRejected(inspect(tarball), "entry \"shadow\" is a hard link to \"/etc/shadow\" outside the code tree");
    }

    @Test
    void rejectsHardLinkWithDotDotTarget() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .hardLink("shadow", "../../etc/shadow")
                .build();

        assertRejected(
                inspect(tarball), "entry \"shadow\" is a hard link to \"../../etc/shadow\" outside the code tree");
    }

    @Test
    void rejectsHardLinkToAnEntryThatIsNotEarlier() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .hardLink("copy.html", "index.html")
                .file("index.html", "x")
                .build();

        assertRejected(
                inspect(tarball),
                "entry \"copy.html\" is a hard link to \"index.html\", which is not an earlier file in the tarball");
    }

    @Test
    void acceptsHardLinkToAnEarlierFile() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .hardLink("copy.html", "./index.html")
                .startScript()
                .build();

        assertThat(inspect(tarball).accepted()).isTrue();
    }

    @Test
    void rejectsCharacterDevice() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .special("dev/mem", TarConstants.LF_CHR)
                .build();

        assertRejected(inspect(tarball), "entry \"dev/mem\" is a character device");
    }

    @Test
    void rejectsBlockDevice() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .special("dev/sda", TarConstants.LF_BLK)
                .build();

        assertRejected(inspect(tarball), "entry \"dev/sda\" is a block device");
    }

    @Test
    void rejectsFifo() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("index.html", "x")
                .special("pipe", TarConstants.LF_FIFO)
                .build();

        assertRejected(inspect(tarball), "entry \"pipe\" is a FIFO (named pipe)");
    }

    @Test
    void rejectsGzipBombAtTheUncompressedCapWithoutInflatingItAll() throws IOException {
        TarballLimits limits = new TarballLimits(10 * MIB, 10 * MIB, 1_000_000, 20_000);
        byte[] bomb = Tarballs.gzipTar().zeros("zeros.bin", 64 * MIB).build();

        TarballInspection inspection = new TarballInspector(limits).inspect(new ByteArrayInputStream(bomb));

        assertRejected(inspection, "uncompressed size passes the 10 MiB cap");
        assertThat(inspection.uncompressedBytes()).isLessThan(11 * MIB);
    }

    @Test
    void rejectsGzipBombByItsRatio() throws IOException {
        byte[] bomb = Tarballs.gzipTar()
                .file("index.html", "x")
                .zeros("zeros.bin", 32 * MIB)
                .build();

        TarballInspection inspection = inspect(bomb);

        assertRejected(inspection, "compression ratio passes the 100:1 cap (a gzip bomb?)");
        assertThat(inspection.uncompressedBytes()).isLessThan(4 * MIB);
    }

    @Test
    void acceptsWellCompressedSmallTarballUnderTheRatioFloor() throws IOException {
        byte[] tarball =
                Tarballs.gzipTar().startScript().zeros("blank.txt", 512 * 1024).build();

        assertThat(inspect(tarball).accepted()).isTrue();
    }

    @Test
    void rejectsTruncatedGzip() throws IOException {
        byte[] good = Tarballs.gzipTar().file("index.html", randomText(200_000)).build();

        assertRejected(inspect(Arrays.copyOf(good, good.length / 2)), "truncated gzip stream");
    }

    @Test
    void rejectsGzipMissingItsTrailer() throws IOException {
        byte[] good = Tarballs.goodSite();

        assertRejected(inspect(Arrays.copyOf(good, good.length - 4)), "truncated gzip stream");
    }

    @Test
    void rejectsGzipWithABadChecksum() throws IOException {
        byte[] bad = Tarballs.goodSite();
        bad[bad.length - 8] ^= 0x55;

        assertThat(inspect(bad).reason()).startsWith("corrupt gzip stream");
    }

    @Test
    void rejectsTarTruncatedInsideAFile() throws IOException {
        byte[] tar = Tarballs.plainTar("index.html", randomText(5000));

        assertRejected(inspect(Tarballs.gzip(Arrays.copyOf(tar, 512 + 1000))), "truncated tar archive");
    }

    @Test
    void rejectsTarTruncatedAtARecordBoundary() throws IOException {
        byte[] tar = Tarballs.plainTar("index.html", "hello");

        assertRejected(
                inspect(Tarballs.gzip(Arrays.copyOf(tar, 1024))),
                "truncated tar archive (it ends without the end-of-archive marker)");
    }

    @Test
    void rejectsPlainTextNamedLikeATarball() throws IOException {
        assertRejected(
                inspect("just some notes, renamed app.tar.gz\n".getBytes(StandardCharsets.UTF_8)), "not a gzip file");
    }

    @Test
    void rejectsZipArchive() throws IOException {
        assertRejected(inspect(Tarballs.zip("index.html", "x")), "not a gzip file (it is a zip archive)");
    }

    @Test
    void rejectsEmptyFile() throws IOException {
        assertRejected(inspect(new byte[0]), "not a gzip file (it is empty)");
    }

    @Test
    void rejectsEmptyTarball() throws IOException {
        assertRejected(inspect(Tarballs.gzipTar().build()), "the tarball holds no files");
    }

    @Test
    void rejectsTarballOfDirectoriesOnly() throws IOException {
        assertRejected(
                inspect(Tarballs.gzipTar().dir("app/").dir("app/static/").build()), "the tarball holds no files");
    }

    @Test
    void rejectsGzipOfNothing() throws IOException {
        assertRejected(inspect(Tarballs.gzip(new byte[0])), "the tarball holds no files");
    }

    @Test
    void rejectsTarballOverTheCompressedCap() throws IOException {
        TarballLimits limits = new TarballLimits(16 * 1024, 100 * MIB, 100, 20_000);
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        byte[] tarball = Tarballs.gzipTar().file("noise.bin", noise).build();

        TarballInspection inspection = new TarballInspector(limits).inspect(new ByteArrayInputStream(tarball));

        assertRejected(inspection, "the tarball passes the 16 KiB compressed size cap");
    }

    @Test
    void rejectsTooManyEntries() throws IOException {
        TarballLimits limits = new TarballLimits(MIB, 10 * MIB, 100, 5);
        Tarballs builder = Tarballs.gzipTar();
        for (int i = 0; i < 6; i++) {
            builder.file("f" + i + ".txt", "x");
        }

        TarballInspection inspection = new TarballInspector(limits).inspect(new ByteArrayInputStream(builder.build()));

        assertRejected(inspection, "the tarball passes the 5-entry cap");
    }

    @Test
    void letsAFailingSourceStreamThrow() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> inspector.inspect(failing))
                .isInstanceOf(IOException.class)
                .hasMessage("connection reset");
    }

    @Test
    void defaultsAreTheDocumentedCaps() {
        assertThat(TarballLimits.DEFAULTS).isEqualTo(new TarballLimits(100 * MIB, 1024 * MIB, 100, MIB, 20_000));
    }

    private static String randomText(int length) {
        Random random = new Random(42);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }

    @Test
    void refusesATarballWithoutTheStartScriptByName() throws IOException {
        // what Cloud Kotta's original repository looks like when tarred
        byte[] original = Tarballs.gzipTar()
                .dir("cloudkotta/")
                .file("cloudkotta/web_server.py", "print 'hi'")
                .file("production.conf", "[server]\n")
                .build();

        assertRejected(
                inspect(original),
                "the tarball has no bin/kotta-start: it is not a Cloud Kotta release"
                        + " (Cloud Kotta's original Python 2 repository cannot run on current AMIs); see docs/customizing.md");
    }

    @Test
    void refusesAStartScriptThatIsNotExecutable() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("bin/kotta-start", "#!/bin/sh\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0644)
                .build();

        assertRejected(
                inspect(tarball),
                "bin/kotta-start is not executable (mode 0644): chmod 0755 it before taring; see docs/customizing.md");
    }

    @Test
    void refusesAStartScriptThatIsASymbolicLink() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("run.sh", "x")
                .symlink("bin/kotta-start", "../run.sh")
                .build();

        assertRejected(
                inspect(tarball), "bin/kotta-start is a symbolic link, not a regular file; see docs/customizing.md");
    }
}
