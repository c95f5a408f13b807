package org.kotta.deployer.localcloud.instances;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.kotta.deployer.code.TarballInspection;
import org.kotta.deployer.code.TarballInspector;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The releases the local instances run: each {@code s3://<bucket>/<key>} downloaded once and
 * extracted into {@code <dir>/<sha256>/}, after the same checks PackageAndUploadCode applies
 * (no absolute paths, no "..", no links leaving the tree, size caps). File modes are kept.
 */
final class Releases {
    static final String START = "bin/kotta-start";

    private final S3Client s3;
    private final Path dir;
    private final ConcurrentHashMap<String, Path> byObject = new ConcurrentHashMap<>();

    Releases(S3Client s3, Path dir) {
        this.s3 = s3;
        this.dir = dir;
    }

    /** The extracted release root; throws {@link InstanceSyncException.NotRunnable} when it has no kotta-start. */
    Path fetch(String bucket, String key) throws IOException {
        Path root = byObject.get(bucket + "/" + key);
        if (root == null) {
            byte[] tarball = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            root = dir.resolve(sha256(tarball));
            if (!Files.isDirectory(root)) {
                extract(tarball, root, "s3://" + bucket + "/" + key);
            }
            byObject.put(bucket + "/" + key, root);
        }
        if (!Files.isRegularFile(root.resolve(START))) {
            throw new InstanceSyncException.NotRunnable(
                    "the release s3://" + bucket + "/" + key + " has no " + START + " (extracted in " + root + ")");
        }
        if (!Files.isExecutable(root.resolve(START))) {
            // a packaging mistake, not a release that cannot run here: no skip for this one
            throw new InstanceSyncException("the release s3://" + bucket + "/" + key + " has " + START
                    + " without its execute bit (mode from the tarball; extracted in " + root + ")");
        }
        return root;
    }

    private static void extract(byte[] tarball, Path root, String source) throws IOException {
        TarballInspection inspection = new TarballInspector().inspect(new ByteArrayInputStream(tarball));
        if (!inspection.accepted()) {
            throw new InstanceSyncException("the release " + source + " is refused: " + inspection.reason());
        }
        Path partial = Files.createTempDirectory(Files.createDirectories(root.getParent()), ".extracting-");
        try (InputStream gzip = GzipCompressorInputStream.builder()
                        .setInputStream(new ByteArrayInputStream(tarball))
                        .setDecompressConcatenated(true)
                        .get();
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = inside(partial, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (entry.isSymbolicLink()) {
                    // the inspector followed every link through the tree: none leaves it
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.copy(inside(partial, entry.getLinkName()), target, StandardCopyOption.REPLACE_EXISTING);
                } else if (entry.isFile()) {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
        }
        try {
            Files.move(partial, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.isDirectory(root)) {
                throw raced;
            }
        }
    }

    /** Where an entry lands; a second guard beside the inspector's. */
    private static Path inside(Path root, String name) {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new InstanceSyncException("release entry \"" + name + "\" leaves the tree");
        }
        return target;
    }

    /** The owner's, group's and others' read/write/execute bits of a tar mode (no setuid, sticky). */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = java.util.EnumSet.of(PosixFilePermission.OWNER_READ);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
