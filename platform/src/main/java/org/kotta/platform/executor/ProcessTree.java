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
 * children that outlive their parent are found too.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

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

    /** TERM to every member, then KILL to what is left after {@code grace}; true once none is left. */
    static boolean kill(long sessionId, Duration grace) {
        signal(sessionId, false);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            if (members(sessionId).isEmpty()) {
                return true;
            }
            sleep(100);
            signal(sessionId, false);
        }
        for (int round = 0; round < 20; round++) {
            signal(sessionId, true);
            sleep(50);
            if (members(sessionId).isEmpty()) {
                return true;
            }
        }
        return members(sessionId).isEmpty();
    }

    private static void signal(long sessionId, boolean forcibly) {
        for (long pid : members(sessionId)) {
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
