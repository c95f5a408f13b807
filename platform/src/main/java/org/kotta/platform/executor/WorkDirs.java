package org.kotta.platform.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.kotta.platform.executor.JobCommand.JobUser;

/**
 * Work directories: the root prepared at the executor's start, one made per job, handed to the job
 * user, removed afterwards (links never followed).
 */
final class WorkDirs {
    private WorkDirs() {}

    /** Makes the work root; with a job user, lets it reach its job's directory (execute for group and others). */
    static void prepareRoot(Path root, boolean jobUser) throws IOException {
        Files.createDirectories(root);
        if (jobUser) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(root));
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(root, permissions);
        }
    }

    static void chown(Path dir, JobUser user) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.toList()) {
                Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    static void remove(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path :
                    files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
