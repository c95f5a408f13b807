package org.kotta.platform.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process a job runs: {@code executable args} through {@code /bin/sh -c} in its work
 * directory, in a session of its own ({@code setsid}) so its whole tree can be found and
 * killed, and as the unprivileged job user when the executor runs as root ({@code setpriv}).
 * The environment is built from scratch: nothing of the executor's (credentials, wiring) leaks in.
 * {@code prlimit} caps the size of any file the job writes ({@code --fsize}: a write past it
 * fails with SIGXFSZ) and, for the job user, its number of processes ({@code --nproc}: a fork
 * bomb stops there); the caps are inherited by everything the job starts.
 */
public final class JobCommand {
    private JobCommand() {}

    /** The user jobs run as, with its numeric ids. */
    public record JobUser(String name, int uid, int gid) {

        /** {@code KOTTA_JOB_USER} when this process runs as root and it is set; else empty: jobs run as this process. */
        static Optional<JobUser> lookUp(Optional<String> configured) {
            if (configured.isEmpty()) {
                return Optional.empty();
            }
            try {
                int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                if (me != 0) {
                    return Optional.empty();
                }
                String name = configured.get();
                return Optional.of(
                        new JobUser(name, Integer.parseInt(id("-u", name)), Integer.parseInt(id("-g", name))));
            } catch (IOException e) {
                throw new IllegalStateException("cannot look up the job user " + configured.get(), e);
            }
        }

        private static String id(String flag, String user) throws IOException {
            Process process = new ProcessBuilder("id", flag, user)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            try {
                if (process.waitFor() != 0) {
                    throw new IOException("id " + flag + " " + user + ": " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return out;
        }
    }

    /** The command line; empty when the job names no command at all. */
    public static Optional<String> commandLine(String executable, String args) {
        String command =
                ((executable == null ? "" : executable.strip()) + " " + (args == null ? "" : args.strip())).strip();
        return command.isEmpty() ? Optional.empty() : Optional.of(command);
    }

    /** The command without limits (see {@link #argv(String, Optional, long, int)}). */
    public static List<String> argv(String commandLine, Optional<JobUser> user) {
        return argv(commandLine, user, 0, 0);
    }

    /**
     * @param maxFileBytes  the largest file the job may write (0: no cap)
     * @param maxProcesses  the most processes of the job user (0: no cap; never set for the
     *                      executor's own user, whose threads would count against it)
     */
    public static List<String> argv(String commandLine, Optional<JobUser> user, long maxFileBytes, int maxProcesses) {
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        if (maxFileBytes > 0 || (maxProcesses > 0 && user.isPresent())) {
            argv.add("prlimit");
            if (maxFileBytes > 0) {
                argv.add("--fsize=" + maxFileBytes);
            }
            if (maxProcesses > 0 && user.isPresent()) {
                argv.add("--nproc=" + maxProcesses);
            }
            argv.add("--");
        }
        user.ifPresent(u -> {
            argv.add("setpriv");
            argv.add("--reuid=" + u.uid());
            argv.add("--regid=" + u.gid());
            argv.add("--init-groups");
            argv.add("--");
        });
        argv.add("/bin/sh");
        argv.add("-c");
        argv.add(commandLine);
        return argv;
    }

    public static Map<String, String> environment(Path workDir, String jobId, Optional<JobUser> user) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin");
        env.put("HOME", workDir.toString());
        env.put("TMPDIR", workDir.toString());
        env.put("LANG", "C.UTF-8");
        env.put("KOTTA_JOB_ID", jobId);
        user.ifPresent(u -> {
            env.put("USER", u.name());
            env.put("LOGNAME", u.name());
        });
        return env;
    }
}
