package org.kotta.platform.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A job's whole process tree: every live process of the session its command leads
 * ({@code setsid} made the command's pid the session id), found through {@code /proc}, so
 * children that outlive their parent are found too; and, for a dedicated job user, every
 * process of that user (a job that left its session with {@code setsid} or a double fork).
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {}

    /** Live (not zombie) processes of a session. */
    static List<Long> members(long sessionId) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                statSession(entry).filter(sid -> sid == sessionId).ifPresent(sid -> pids.add(Long.parseLong(name)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return pids;
    }

    /**
     * Live processes whose real or effective user id is {@code uid}: what a job left behind after
     * leaving its session ({@code setsid}, a double fork).
     */
    static List<Long> ofUser(int uid) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)
                        && statSession(entry).isPresent()
                        && ownedBy(entry, uid)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return pids;
    }

    /** TERM to every member, then KILL to what is left after {@code grace}; true once none is left. */
    static boolean kill(long sessionId, Duration grace) {
        return killAll(() -> members(sessionId), grace);
    }

    /**
     * As {@link #kill}, for every process of a user: only ever a dedicated job user, never root
     * nor the caller's own user.
     */
    static boolean killUser(int uid, Duration grace) {
        if (uid == 0 || uid == ownUid()) {
            throw new IllegalArgumentException(
                    "refusing to kill every process of uid " + uid + " (root or this executor's own user)");
        }
        return killAll(() -> ofUser(uid), grace);
    }

    private static boolean killAll(java.util.function.Supplier<List<Long>> find, Duration grace) {
        signal(find.get(), false);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            if (find.get().isEmpty()) {
                return true;
            }
            sleep(100);
            signal(find.get(), false);
        }
        for (int round = 0; round < 20; round++) {
            signal(find.get(), true);
            sleep(50);
            if (find.get().isEmpty()) {
                return true;
            }
        }
        return find.get().isEmpty();
    }

    private static int ownUid() {
        try {
            return (Integer) Files.getAttribute(PROC.resolve("self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self", e);
        }
    }

    /** Whether {@code /proc/<pid>/status} names {@code uid} as the real or effective user. */
    private static boolean ownedBy(Path procEntry, int uid) {
        try {
            for (String line : Files.readAllLines(procEntry.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return Integer.parseInt(ids[0]) == uid || Integer.parseInt(ids[1]) == uid;
                }
            }
        } catch (IOException | RuntimeException gone) {
            return false;
        }
        return false;
    }

    private static void signal(List<Long> pids, boolean forcibly) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                if (forcibly) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            });
        }
    }

    /** The session id of a live process, from {@code /proc/<pid>/stat}; empty for zombies and vanished ones. */
    private static Optional<Long> statSession(Path procEntry) {
        try {
            String stat = Files.readString(procEntry.resolve("stat"), StandardCharsets.UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[0].equals("Z") || fields[0].equals("X")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(fields[3]));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
